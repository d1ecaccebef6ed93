exports.main = async () => ({});
