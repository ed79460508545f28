"""Artifacts: streamed uploads (REST and GraphQL multipart), direct uploads with presigned
URLs, limits and quotas, listing and ranged downloads."""
