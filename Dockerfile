FROM node:20-bookworm
WORKDIR /app
# `npm ci` also compiles the CLI into dist/ (the prepare script), so the sources come first.
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY bin ./bin
COPY src ./src
COPY commands ./commands
COPY adapters ./adapters
RUN npm ci --omit=dev --no-audit --no-fund
ENV NODE_ENV=production TERN_DATA_DIR=/data
# A young generation of 2 MB semi-spaces instead of 16: message buffers are freed sooner, which
# keeps a copying worker's peak memory about 25 MB lower (test/bench/README.md), at no visible cost in speed.
ENV NODE_OPTIONS=--max-semi-space-size=2
# glibc malloc: two arenas rather than one per thread, and every block of 128 KiB or more mapped
# on its own, so that a freed message buffer goes back to the system at once instead of staying
# in a fragmented arena (peak with a 22 MB and a 100 MB message: 158 → 134 MiB, test/bench/README.md).
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
VOLUME /data
ENTRYPOINT ["node", "bin/tern.js"]
CMD ["start"]
