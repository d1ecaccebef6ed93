module.exports = require("/work/main/scripts/bench/timed-plugin.js");
