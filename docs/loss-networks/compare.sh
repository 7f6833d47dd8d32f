#!/usr/bin/env bash
# Reproduces docs/loss-networks/*.jpg: restyle optimize (Gatys et al.) on chicago.jpg with
# variants of the random-filter loss network, side by side. Needs ../shared/data and ImageMagick.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=../shared/data
out=docs/loss-networks
tmp=$(mktemp -d)
common=(--size 256 --style-size 256 --iterations 150 --style-weight 100)
declare -A variants=(
  [a-single-scale]="--pyramid-levels 1 --pyramid-kernels 3,5,7,11,15,23 --pyramid-maps 128 --pyramid-depth 1"
  [b-pyramid]="--pyramid-levels 5 --pyramid-kernels 3,5 --pyramid-maps 64 --pyramid-depth 1"
  [c-pyramid-deep]="--pyramid-levels 5 --pyramid-kernels 3,5 --pyramid-maps 64 --pyramid-depth 2 --pyramid-deep-from 2"
  [d-pyramid-deep-6]="--pyramid-levels 6 --pyramid-kernels 3,5 --pyramid-maps 64 --pyramid-depth 2 --pyramid-deep-from 1"
)
for style in starry_night the_scream mosaic; do
  row=()
  for v in a-single-scale b-pyramid c-pyramid-deep d-pyramid-deep-6; do
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    ./restyle optimize "$data/content/chicago.jpg" "$data/styles/$style.jpg" -o "$tmp/$style-$v.jpg" \
      "${common[@]}" ${variants[$v]} > "$tmp/$style-$v.log" 2>&1
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    printf '%s %s %.0f s\n' "$style" "$v" "$secs" | tee -a "$tmp/times.txt"
    row+=(-label "$v" "$tmp/$style-$v.jpg")
  done
  montage "${row[@]}" -tile 4x1 -geometry +4+4 -pointsize 14 "$out/$style.jpg"
done
cat "$tmp/times.txt"
