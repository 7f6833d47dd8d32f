#!/usr/bin/env bash
# Reproduces docs/loss-networks/inception.jpg: restyle optimize (Gatys et al.) of chicago.jpg at
# 384 px under the inception-v3 loss network (300 Adam iterations, total variation 10, style image
# at 384 px; style weight 1000 for starry_night, 3000 for mosaic), one column per choice: the
# plain Gram loss without the anti-alias blur, then with it (the default), the centred Gram loss,
# the sliced Wasserstein loss and the softmax smoothing of Wang et al. 2021. Needs ../shared/data,
# `restyle weights fetch inception-v3` and ImageMagick; about 30 s each on 2 quiet cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=../shared/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # style weight name args...
  local style=$1 weight=$2 name=$3
  shift 3
  ./restyle optimize "$data/content/chicago.jpg" "$data/styles/$style.jpg" -o "$tmp/$style-$name.png" \
    --loss-network inception-v3 --size 384 --style-size 384 --iterations 300 --tv-weight 10 \
    --style-weight "$weight" "$@" > /dev/null
}
cells=()
for pair in starry_night:1000 mosaic:3000; do
  style=${pair%%:*}
  weight=${pair##*:}
  run "$style" "$weight" no-anti-alias --no-anti-alias
  run "$style" "$weight" plain-gram
  run "$style" "$weight" gram --style-loss gram
  run "$style" "$weight" sliced-wasserstein --style-loss sliced-wasserstein
  run "$style" "$weight" smoothing --smoothing
  convert "$data/styles/$style.jpg" -resize x256 "$tmp/$style.png"
  cells+=(-label "$style" "$tmp/$style.png"
    -label "plain-gram, no anti-alias" "$tmp/$style-no-anti-alias.png"
    -label "plain-gram (default)" "$tmp/$style-plain-gram.png"
    -label "gram (centred)" "$tmp/$style-gram.png"
    -label "sliced-wasserstein" "$tmp/$style-sliced-wasserstein.png"
    -label "plain-gram + smoothing" "$tmp/$style-smoothing.png")
done
montage "${cells[@]}" -tile 6x2 -geometry x200+3+3 -font DejaVu-Sans -pointsize 13 \
  -quality 88 docs/loss-networks/inception.jpg
