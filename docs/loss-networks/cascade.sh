#!/usr/bin/env bash
# Reproduces docs/loss-networks/cascade.jpg: restyle optimize (Gatys et al.) on chicago.jpg towards
# starry_night.jpg with style terms only (content weight 0, starting from the photo) and the sliced
# Wasserstein loss, under the random pyramid and under the random cascade. Needs ../shared/data and
# ImageMagick; about 5 minutes each on one core.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=../shared/data
tmp=$(mktemp -d)
for net in random-pyramid random-cascade; do
  ./restyle optimize "$data/content/chicago.jpg" "$data/styles/starry_night.jpg" -o "$tmp/$net.png" \
    --size 256 --style-size 256 --iterations 200 --content-weight 0 --style-weight 1 \
    --loss-network "$net"
done
convert "$data/styles/starry_night.jpg" -resize x256 "$tmp/style.png"
montage -label "1. random-pyramid" "$tmp/random-pyramid.png" -label "2. random-cascade" \
  "$tmp/random-cascade.png" -label "style image" "$tmp/style.png" -tile 3x1 -geometry x256+4+4 -font DejaVu-Sans \
  -pointsize 14 docs/loss-networks/cascade.jpg
