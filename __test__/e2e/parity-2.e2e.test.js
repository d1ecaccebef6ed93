'use strict';

require('./parity-suite').runParity(1, 2);
