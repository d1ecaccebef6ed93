'use strict';

// Stub handler: the example exists to be packaged, not run.
const ok = async () => ({ statusCode: 200 });
module.exports = { main: ok, list: ok, get: ok, func1: ok, func2: ok };
