#!/usr/bin/env bash
# Reproduces docs/loss-networks/style-loss.jpg: restyle optimize (Gatys et al.) on chicago.jpg
# towards starry_night.jpg with style terms only (content weight 0, starting from the photo), once
# with centred Gram matrices and once with the sliced Wasserstein distance. Needs ../shared/data
# and ImageMagick.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=../shared/data
tmp=$(mktemp -d)
for loss in gram sliced-wasserstein; do
  ./restyle optimize "$data/content/chicago.jpg" "$data/styles/starry_night.jpg" -o "$tmp/$loss.jpg" \
    --size 256 --style-size 256 --iterations 200 --content-weight 0 --style-weight 1 \
    --style-loss "$loss"
done
montage -label "1. centred Gram (before)" "$tmp/gram.jpg" -label "2. sliced Wasserstein" \
  "$tmp/sliced-wasserstein.jpg" -tile 2x1 -geometry 384x256+4+4 -pointsize 14 \
  docs/loss-networks/style-loss.jpg
