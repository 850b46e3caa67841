git init -q demo && cd demo
cairn init                          # .cairn/ with config, cache and state
mkdir data && for i in 1 2 3; do head -c 200000 /dev/urandom > data/cat$i.png; done   # or: cp -r ~/datasets/images data
cairn add data                      # hash into the cache, write data.cairn, ignore data/ in git
git add . && git commit -qm "Track images"

cairn remote add -d --create store ~/cairn-store   # or an S3 bucket: s3://my-bucket/cairn
cairn push                          # upload only what the remote lacks

echo "noise" > data/cat1.png
cairn status                        # data: modified, then "modified: cat1.png"
cairn checkout --force data         # back to what data.cairn says (--force: the edit is discarded)

# pipelines: a training script and its params
cat > train.js <<'EOF'
const fs = require('node:fs');
const lr = Number(/lr: *([\d.]+)/.exec(fs.readFileSync('params.yaml', 'utf8'))[1]);
const bytes = fs.readdirSync('data').reduce((n, f) => n + fs.statSync(`data/${f}`).size, 0);
fs.writeFileSync('model.bin', `weights for ${bytes} bytes of images at lr ${lr}\n`);
fs.writeFileSync('metrics.json', JSON.stringify({ loss: +(1 / (1 + 10 * lr)).toFixed(4) }) + '\n');
EOF
printf 'train:\n  lr: 0.1\n' > params.yaml
cairn stage add -n train -d data -d train.js -p train.lr -o model.bin -M metrics.json node train.js
cairn repro                         # runs train, records cairn.lock
git add . && git commit -qm "Train"
cairn repro                         # nothing changed: skips

printf 'train:\n  lr: 0.3\n' > params.yaml
cairn status                        # train: changed params: train.lr (0.1 -> 0.3)
cairn repro                         # only what depends on train.lr reruns
cairn params diff                   # train.lr 0.1 -> 0.3, against the last commit
cairn metrics diff                  # loss, against the last commit (--md for a PR comment)
git add . && git commit -qm "Faster learning rate"
cairn metrics diff HEAD~1 HEAD      # any two commits
cairn plots metrics --revs 10       # each metric across the last 10 commits (--json: the data)

printf 'train:\n  lr: 0.1\n' > params.yaml
cairn repro                         # seen before: "restored from run-cache", nothing runs
git checkout -q params.yaml && cairn repro   # back to 0.3: restored again
cairn push                          # the model and metrics too

# on another machine
cd .. && git clone -q demo demo-clone && cd demo-clone
cairn pull                          # fetch the bytes and check them out
cairn status                        # everything is up to date
