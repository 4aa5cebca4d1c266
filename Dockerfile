FROM node:20-bookworm
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY commands ./commands
COPY adapters ./adapters
ENV NODE_ENV=production TERN_DATA_DIR=/data
VOLUME /data
ENTRYPOINT ["node", "bin/tern.js"]
CMD ["start"]
