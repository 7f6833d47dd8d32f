#!/usr/bin/env bash
# Reproduces docs/loss-networks/mrf.jpg: the sliced Wasserstein style loss against the mrf style
# loss (sliced Wasserstein plus nearest-neighbour matching of the coarser layers) under the random
# cascade. restyle optimize (Gatys et al.) on chicago.jpg at 256 px, 120 iterations, default
# weights, style images at 320 px, towards starry_night.jpg and mosaic.jpg. Needs ../shared/data
# and ImageMagick; about 2.5 minutes each on 2 cores.
# The training comparison below it in the README (mrf-training.jpg) is a restyle evaluate --sheet.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=../shared/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for style in starry_night mosaic; do
  for loss in sliced-wasserstein mrf; do
    ./restyle optimize "$data/content/chicago.jpg" "$data/styles/$style.jpg" \
      -o "$tmp/$style-$loss.png" --size 256 --iterations 120 --loss-network random-cascade \
      --style-size 320 --style-loss "$loss"
  done
  convert "$data/styles/$style.jpg" -resize x170 "$tmp/$style.png"
done
montage -label "sliced-wasserstein" "$tmp/starry_night-sliced-wasserstein.png" \
  -label "mrf" "$tmp/starry_night-mrf.png" -label "style image" "$tmp/starry_night.png" \
  -label "sliced-wasserstein" "$tmp/mosaic-sliced-wasserstein.png" \
  -label "mrf" "$tmp/mosaic-mrf.png" -label "style image" "$tmp/mosaic.png" \
  -tile 3x2 -geometry x170+4+4 -font DejaVu-Sans -pointsize 13 docs/loss-networks/mrf.jpg
