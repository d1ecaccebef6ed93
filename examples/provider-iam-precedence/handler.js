'use strict';

module.exports.main = async (event) => ({ statusCode: 200, body: JSON.stringify({ ok: true }) });
