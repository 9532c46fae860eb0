# dice prints random rolls: check their form, range and sums, that all
# faces turn up over many rolls, and that a bad roll is refused.
python3 - "$OUT" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
specs = [l.split(":")[0] for l in lines]
assert specs == ["5d6", "2d6", "3d20", "1d1000"], specs
for l in lines:
    m = re.fullmatch(r"(\d+)d(\d+):((?: \d+)+) = (\d+)", l)
    assert m, l
    n, faces, total = int(m[1]), int(m[2]), int(m[4])
    rolls = [int(x) for x in m[3].split()]
    assert len(rolls) == n and all(1 <= r <= faces for r in rolls), l
    assert sum(rolls) == total, l
PY
cd "$WORK"
for i in 1 2 3 4 5; do echo 100d6; done | ./dice > many.out
python3 - <<'PY'
import collections
rolls = [int(x) for l in open("many.out") for x in l.split(":")[1].split("=")[0].split()]
assert len(rolls) == 500, len(rolls)
count = collections.Counter(rolls)
# 500 fair rolls: each face about 83 times; 40 is far outside chance.
assert sorted(count) == [1, 2, 3, 4, 5, 6] and min(count.values()) > 40, count
PY
set +e
echo 3x6 | ./dice > /dev/null 2> bad.err
status=$?
echo 0d6 | ./dice > /dev/null 2>> bad.err
status2=$?
set -e
[[ $status == 2 && $status2 == 2 ]] && grep -q 'not a roll like 3d6: 3x6' bad.err ||
  { echo "bad rolls: statuses $status $status2: $(cat bad.err)"; exit 1; }
echo "dice checks hold"
