'use strict';

// Stub handler: the example exists to be packaged, not run.
exports.main = async () => ({ statusCode: 200 });
