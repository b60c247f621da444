# The service as compiled JavaScript on Node.js 24 (LTS), run by an unprivileged user; a second
# target, `simulator`, imitates TSM for a local stack (see docker-compose.yml).
#   docker build -t tsm-vault-integrations .                       the service (the last stage)
#   docker build --target simulator -t tsm-simulator .             the TSM simulator

# Every install happens on the runtime's own base: better-sqlite3 is a native addon, and it only
# loads into the Node.js it was compiled against.
FROM node:24-bookworm-slim AS dependencies
WORKDIR /app
# The compiler is a fallback for when no prebuilt better-sqlite3 binary fits this Node.js.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM dependencies AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# The image runs the compiled dist/: development dependencies (tsx, the compiler, the linters)
# stay out of it.
FROM dependencies AS service-dependencies
RUN npm prune --omit=dev

# The TSM simulator runs from its TypeScript sources (the build leaves it out), so it keeps tsx.
FROM dependencies AS simulator
COPY tsconfig.json ./
COPY src ./src
USER 1000:1000
EXPOSE 4000
HEALTHCHECK --interval=5s --timeout=3s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/_sim/resources') \
    .then((answer) => process.exit(answer.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "src/simulator/main.ts", "--host", "0.0.0.0", "--port", "4000"]

FROM node:24-bookworm-slim AS runtime
# tini runs as PID 1 so that a SIGTERM that arrives before the service has installed its handlers
# (while migrations wait for another replica, say) still stops it instead of being ignored.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir /data \
  && chown node:node /data
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATABASE_URL=/data/vault-integrations.db
WORKDIR /app
# package.json makes dist/ an ES module scope and gives the service its version.
COPY package.json ./
COPY --from=service-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The node user, by number so that Kubernetes' runAsNonRoot can verify it; it owns only /data.
USER 1000:1000
VOLUME ["/data"]
EXPOSE 3000
# Liveness, not readiness: a database outage shows on /readyz, and restarting does not cure it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz') \
    .then((answer) => process.exit(answer.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/server.js"]
