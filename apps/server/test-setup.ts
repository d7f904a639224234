// nestjs-pino reads its options when its module is imported: quiet logs before any spec loads.
process.env['LOG_LEVEL'] ??= 'silent';
