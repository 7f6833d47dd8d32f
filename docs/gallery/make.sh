#!/usr/bin/env bash
# Rebuilds docs/gallery/: chicago.jpg and amber.jpg (../shared/data/content) in every bundled style,
# plus one `restyle optimize` result. Needs ../shared/data and a build (README command 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
data=../shared/data
out=docs/gallery
styles=$(sed -nE 's/.*"name": "([^"]+)".*/\1/p' styles/index.json)
for content in chicago amber; do
  for style in $styles; do
    ./restyle image "$data/content/$content.jpg" --style "$style" -o "$out/$content-$style.jpg"
  done
done
./restyle optimize "$data/content/chicago.jpg" "$data/styles/starry_night.jpg" \
  -o "$out/chicago-optimize-starry_night.jpg" --size 512 --style-size 512 --iterations 300 --style-weight 100
