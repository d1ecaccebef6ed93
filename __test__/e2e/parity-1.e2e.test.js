'use strict';

require('./parity-suite').runParity(0, 2);
