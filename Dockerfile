# syntax=docker/dockerfile:1
# Build: Go with cgo (go-sqlite3), then a slim Debian runtime as non-root.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags='-s -w' -o /out/arauto .

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /data --shell /usr/sbin/nologin arauto \
 && mkdir -p /data /shared && chown arauto /data /shared && chmod 0700 /data /shared
COPY --from=build /out/arauto /usr/local/bin/arauto
USER arauto
ENV ARAUTO_ADDR=0.0.0.0:8080 \
    ARAUTO_DATA=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/arauto"]
