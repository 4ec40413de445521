# The pinads worker (and CLI) image. Runs the TypeScript sources through tsx, a runtime dependency, so there is no
# build step: `npm ci --omit=dev` is the whole install.
#   docker build -t pinads .            docker run --env-file .env pinads worker
# The Airbyte source image (docs/airbyte.md) is the `source` target:
#   docker build --target source -t pinads/source-pinads:0.1.0 .
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# source-pinads as an Airbyte connector image: Airbyte runs it with `spec`, `check --config …`, `discover --config …`
# and `read --config … --catalog … [--state …]`, reads its stdout, and finds it by these labels and entrypoint.
FROM node:20-bookworm-slim AS source
ENV NODE_ENV=production \
  AIRBYTE_ENTRYPOINT="node /app/bin/source-pinads.js"
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
USER node
LABEL io.airbyte.name=pinads/source-pinads \
  io.airbyte.version=0.1.0
ENTRYPOINT ["node", "/app/bin/source-pinads.js"]

# The worker image, last so that a plain `docker build` builds it.
FROM node:20-bookworm-slim
# CA roots for the Temporal SDK's native (Rust) TLS client: Temporal Cloud and remote clusters use TLS.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
  PINADS_METRICS_PORT=9464 \
  PINADS_LOG_LEVEL=info
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# tsx compiles on the fly into the OS temp dir, which the unprivileged user can write.
USER node
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const p=process.env.PINADS_METRICS_PORT;if(!p||p==='0')process.exit(0);fetch(`http://127.0.0.1:${p}/healthz`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/pinads.js"]
CMD ["worker"]
