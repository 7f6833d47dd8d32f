#!/usr/bin/env bash
# Bundles trained styles: copies runs/NAME/{NAME.rsn, NAME.md, config.yaml, losses.png, last preview}
# into styles/NAME/ and rewrites styles/index.json with each file's SHA-256.
# Usage: styles/publish.sh NAME [NAME...]   (then rebuild: the engine jar embeds styles/)
set -euo pipefail
cd "$(dirname "$0")/.."
for name in "$@"; do
  run="runs/$name"
  [[ -f "$run/$name.rsn" ]] || { echo "no $run/$name.rsn: train it first" >&2; exit 2; }
  mkdir -p "styles/$name"
  cp "$run/$name.rsn" "$run/$name.md" "$run/config.yaml" "$run/losses.png" "styles/$name/"
  cp "$(ls "$run"/previews/*.jpg | tail -1)" "styles/$name/preview.jpg"
done
{
  echo '{"styles": ['
  first=1
  for dir in styles/*/; do
    name=$(basename "$dir")
    [[ -f "$dir/$name.rsn" ]] || continue
    sha=$(sha256sum "$dir/$name.rsn" | cut -d' ' -f1)
    desc=$(grep -m1 '^| style image' "$dir/$name.md" | sed -E 's/[^`]*`([^`]*)`.*/\1/' | xargs basename)
    [[ $first == 1 ]] || echo ','
    first=0
    printf '  {"name": "%s", "file": "%s/%s.rsn", "sha256": "%s", "description": "after %s"}' \
      "$name" "$name" "$name" "$sha" "$desc"
  done
  echo
  echo ']}'
} > styles/index.json
cat styles/index.json
