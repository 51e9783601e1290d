# One image for Ringline's API, worker and media server; docker-compose.temporal.yml picks the process.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.build.json

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
# tsc compiles the dashboard's route but not its static page.
COPY --from=build /app/api/dashboard ./dist/api/dashboard
# The worker bundles workflow code from source at start, so the sources travel with the image.
COPY --from=build /app/workflows ./workflows
COPY --from=build /app/domain ./domain
USER node
CMD ["node", "dist/api/main.js"]
