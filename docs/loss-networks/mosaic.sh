#!/usr/bin/env bash
# Reproduces docs/loss-networks/mosaic.jpg: what the offline loss networks make of mosaic.jpg's
# stained glass. restyle optimize (Gatys et al.) on chicago.jpg at 256 px, 120 iterations, default
# weights, under the random pyramid and the random cascade with the style image at 320 px, and
# under the cascade with it at 640 px. Needs ../shared/data and ImageMagick; about 4 minutes each on
# one core.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=../shared/data
tmp=$(mktemp -d)
run() { # network, style size, output name
  ./restyle optimize "$data/content/chicago.jpg" "$data/styles/mosaic.jpg" -o "$tmp/$3.png" \
    --size 256 --iterations 120 --loss-network "$1" --style-size "$2"
}
run random-pyramid 320 pyramid
run random-cascade 320 cascade
run random-cascade 640 cascade640
convert "$data/styles/mosaic.jpg" -resize x170 "$tmp/style.png"
montage -label "random-pyramid, style 320 px" "$tmp/pyramid.png" \
  -label "random-cascade, style 320 px" "$tmp/cascade.png" \
  -label "random-cascade, style 640 px" "$tmp/cascade640.png" -label "style image" "$tmp/style.png" \
  -tile 4x1 -geometry x170+4+4 -font DejaVu-Sans -pointsize 13 docs/loss-networks/mosaic.jpg
