"""The bench's modern CNN in PyTorch: the peer figure for `npm run bench`.

Same architecture as bench/modern-cnn.ts (Conv2D(32,3,same)-BN-relu x2,
MaxPool 2, Conv2D(64,3,same)-BN-relu x2, MaxPool 2, global average pooling,
Dense(10)), Keras's BatchNormalization settings (epsilon 1e-3, momentum 0.99,
which is PyTorch's momentum 0.01), Adam (lr 1e-3, eps 1e-7), and the same kind
of data: uniform random 32x32x3 images, an epoch of 50,000 timed on LIMIT
distinct images and scaled, as the convkit phase does.
Usage: python3 modern_cnn_epoch.py BATCH THREADS [LIMIT] -> one JSON line.
"""
import json
import resource
import sys
import time

import torch
from torch import nn

EPOCH_IMAGES = 50000


def block(channels_in, channels_out):
    return [nn.Conv2d(channels_in, channels_out, 3, padding=1), nn.BatchNorm2d(channels_out, eps=1e-3, momentum=0.01), nn.ReLU()]


def main():
    batch, threads = int(sys.argv[1]), int(sys.argv[2])
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    images = torch.rand(limit, 3, 32, 32)
    labels = torch.randint(0, 10, (limit,))
    model = nn.Sequential(
        *block(3, 32), *block(32, 32), nn.MaxPool2d(2),
        *block(32, 64), *block(64, 64), nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10),
    )
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    order = torch.randperm(limit)
    start = time.perf_counter()
    for first in range(0, limit, batch):
        index = order[first:first + batch]
        optimiser.zero_grad()
        loss = loss_fn(model(images[index]), labels[index])
        loss.backward()
        optimiser.step()
    seconds = (time.perf_counter() - start) * EPOCH_IMAGES / limit
    model.eval()
    # Median of 3 passes at batch 256 over at most 2,560 images: a rate, as the convkit phase
    # reports it, without PyTorch's slow passes over all LIMIT images dominating the bench's time.
    infer_images = min(limit, 2560)
    with torch.no_grad():
        pass_seconds = []
        for _ in range(3):
            infer_start = time.perf_counter()
            for first in range(0, infer_images, 256):
                model(images[first:first + 256])
            pass_seconds.append(time.perf_counter() - infer_start)
        infer_seconds = sorted(pass_seconds)[1]
    print(json.dumps({
        "phase": "pytorch-modern-cnn", "torch": torch.__version__, "batchSize": batch, "threads": threads, "images": limit,
        "secondsPerEpoch": seconds, "inferenceImagesPerSecond": infer_images / infer_seconds,
        "maxRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
