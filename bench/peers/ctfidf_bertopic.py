"""BERTopic's c-TF-IDF as a peer for `npm run bench:report` (Debian python3-sklearn; run with
/usr/bin/python3). It rebuilds the same synthetic rows as bench/synthetic-run.ts (row i joins
Banking77 texts i mod n and (floor(i / n) * 7919 + i) mod n; its cluster is the intent of the
first, intents sorted by name), then does what BERTopic does for its topic words
(`BERTopic._extract_words_per_topic` / `ClassTfidfTransformer`, bertopic 0.16): join each
cluster's texts into one document, CountVectorizer(ngram_range=(1, 2), stop_words=LIST) over
those documents (LIST: the JSON list --stop-words names, semclust's English stop words, as a
BERTopic user passes their own list), tf = counts / the row's sum, idf = log(1 + A / term frequency) with A the
average count per cluster, top words by tf * idf. Reports one JSON line: wall and CPU seconds
from the texts in memory to the keywords (building the texts is not timed), peak RSS of the
process, and the top keywords per cluster so both sides can be compared."""
import argparse
import json
import resource
import time

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

parser = argparse.ArgumentParser()
parser.add_argument("--banking77", required=True)
parser.add_argument("--rows", type=int, required=True)
parser.add_argument("--top", type=int, required=True)
parser.add_argument("--stop-words", required=True)
args = parser.parse_args()

records = [json.loads(line) for line in open(args.banking77, encoding="utf8") if line.strip()]
texts = [r["text"] for r in records]
names = sorted({r["category"] for r in records})
intent = [names.index(r["category"]) for r in records]
n = len(texts)
rows = [f"{texts[i % n]} {texts[(i // n * 7919 + i) % n]}" for i in range(args.rows)]
clusters = [intent[i % n] for i in range(args.rows)]

t0, c0 = time.perf_counter(), time.process_time()
joined = [[] for _ in names]
for text, c in zip(rows, clusters):
    joined[c].append(text)
documents = [" ".join(parts) for parts in joined]
stop_words = json.load(open(args.stop_words, encoding="utf8"))
vectorizer = CountVectorizer(ngram_range=(1, 2), stop_words=stop_words)
counts = vectorizer.fit_transform(documents)
words = vectorizer.get_feature_names_out()
term_totals = np.asarray(counts.sum(axis=0)).ravel()
average = counts.sum() / counts.shape[0]
idf = np.log(1 + average / term_totals)
tf = counts.multiply(1 / np.asarray(counts.sum(axis=1))).tocsr()
scores = tf.multiply(idf).tocsr()
keywords = []
for c in range(scores.shape[0]):
    row = scores.getrow(c)
    order = np.argsort(-row.data, kind="stable")[: args.top]
    keywords.append([str(words[row.indices[j]]) for j in order])
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0

print(json.dumps({
    "seconds": seconds,
    "cpu": cpu,
    "maxRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "vocabularySize": len(words),
    "keywords": keywords,
}))
