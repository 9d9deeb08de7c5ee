# flowdeck serve in a container: the static, serve-only build (no Wails,
# no cgo) on distroless, as a non-root user, the datastore mounted
# read-only at /data. README.md ("Docker") has the run command.
#
#   docker build -t flowdeck .
#   docker run --rm -p 8324:8324 -v ~/project/.metaflow:/data:ro flowdeck

# The web UI, which the Go binary embeds.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npm run build

# The static binary: no desktop tag, CGO_ENABLED=0 (main_nowindow.go).
FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV GOTOOLCHAIN=local CGO_ENABLED=0
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=frontend /src/frontend/dist ./frontend/dist
ARG VERSION=container
RUN go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/flowdeck . \
 && /out/flowdeck version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/flowdeck /flowdeck
USER nonroot:nonroot
EXPOSE 8324
# Flowdeck never writes to the datastore; mount it read-only.
VOLUME ["/data"]
ENTRYPOINT ["/flowdeck"]
# Beyond loopback, so the published port reaches it; --allow-remote makes
# every request carry the token printed in the log.
CMD ["serve", "--addr", "0.0.0.0:8324", "--allow-remote", "/data"]
