#!/usr/bin/env bash
# restyle stream from a live camera: GStreamer's RTSP server on 127.0.0.1 plays a clip that ffmpeg
# draws (testsrc2, 25 fps) in real time; restyle stylises it for SECONDS and prints frames in,
# out and dropped, and latency. Needs a build, ffmpeg and GStreamer's RTSP server (.ci/apt-packages).
# Usage: docs/bench/live.sh [WxH] [STYLE] [SECONDS]   (default 640x480 starry_night_fast 60)
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-640x480}
style=${2:-starry_night_fast}
seconds=${3:-60}
port=${PORT:-8555}
tmp=$(mktemp -d)
server=
trap '[[ -n "$server" ]] && kill "$server" 2> /dev/null; rm -rf "$tmp"' EXIT
ffmpeg -nostdin -v error -f lavfi -i "testsrc2=size=$size:rate=25" -t $((seconds + 30)) \
  -c:v libx264 -preset veryfast -g 25 -bf 0 -pix_fmt yuv420p "$tmp/camera.mkv"
/usr/bin/python3 ingest/src/test/resources/live/gst-rtsp-server.py "$port" /camera "$tmp/camera.mkv" \
  > "$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q ready "$tmp/server.log" && break; sleep 0.2; done
grep -q ready "$tmp/server.log" || { cat "$tmp/server.log" >&2; exit 1; }
echo "camera: rtsp://127.0.0.1:$port/camera, $size at 25 fps; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
./restyle stream "rtsp://127.0.0.1:$port/camera" --style "$style" --out "$tmp/out.mp4" \
  --stop-after "${seconds}s"
