# docs/sdk.md shows this example: its C and its commands must be the
# example's own, which run-example.sh has just built and run.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fence() { # FILE LANG: the first fenced block of that language
  awk -v lang="$2" '$0 == "```" lang { on = 1; next } /^```/ { if (on) exit } on' "$1"
}
diff -u <(fence "$root/docs/sdk.md" c) "$root/examples/hello-c/hello.c"
diff -u <(fence "$root/docs/sdk.md" sh) <(fence "$root/examples/hello-c/README.md" sh)
echo "docs/sdk.md shows the hello-c example as it is"
