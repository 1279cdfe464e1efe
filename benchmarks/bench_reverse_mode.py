"""Reverse mode against centred differences and forward mode, measured (notebook 07, section 5).

    .venv/bin/python benchmarks/bench_reverse_mode.py [--repeat N]

1. The digits network of notebook 08 (64 -> 64 ReLU -> 10, softmax cross-entropy, 4,810
   parameters) on one mini-batch of 32 images, in numpy: one forward pass (the loss), one
   forward-and-backward pass (the instructor's 08 reference), and the centred-difference gradient
   of every parameter (course.gradcheck.numerical_gradient: two forward passes per parameter).
2. A small tanh network on scalars (64 -> 8 tanh -> 10, squared error, 610 parameters, 4 images):
   the gradient by reverse mode (07's Value: one forward pass that records the graph, one
   backward pass), by forward mode (course.forward_mode.Dual: one pass per parameter) and by
   centred differences on plain floats, with the peak memory of each (tracemalloc) and the
   number of nodes reverse mode keeps until backward() is done.

Timings are medians, printed and never asserted: they depend on the machine and on what else
runs on it (the load average is printed with them). Notebook 07 quotes the ratios as measured
here; rerun this script after changing either.
"""
import argparse
import os
import statistics
import time
import tracemalloc

import numpy as np

from autograder.workspace import SOLUTIONS
from course.datasets import digits_split
from course.forward_mode import Plain, forward_gradient
from course.gradcheck import numerical_gradient, rel_error


def _median_seconds(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def digits_network(repeat):
    """Seconds of one forward pass, one forward-and-backward pass and one centred-difference
    gradient of the digits network on a batch of 32, and the largest relative error between the
    two gradients."""
    from course.grading.grader import load
    r08 = load("08_digits")
    X, y = (a[:32] for a in digits_split()[:2])
    params = r08.init_params()
    names = ("W1", "b1", "W2", "b2")
    sizes = [params[k].size for k in names]

    def unflatten(flat):
        parts = np.split(flat, np.cumsum(sizes)[:-1])
        return {k: p.reshape(params[k].shape) for k, p in zip(names, parts)}

    def loss(flat):
        p = unflatten(flat)
        scores = np.maximum(X @ p["W1"] + p["b1"], 0.0) @ p["W2"] + p["b2"]
        return r08.SoftmaxWithLoss().forward(scores, y)

    flat = np.concatenate([params[k].ravel() for k in names])
    forward = _median_seconds(lambda: loss(flat), 50 * repeat)
    backward = _median_seconds(lambda: r08.network_backward(params, X, y), 50 * repeat)
    numeric = _median_seconds(lambda: numerical_gradient(loss, flat), repeat)
    _, grads = r08.network_backward(params, X, y)
    error = rel_error(np.concatenate([grads[k].ravel() for k in names]),
                      numerical_gradient(loss, flat))
    return dict(parameters=flat.size, forward=forward, backward=backward, numeric=numeric,
                error=error)


def _scalar_loss(p, X, Y, hidden=8):
    """Squared error of a 64 -> hidden tanh -> 10 network written with +, -, * and tanh only, so
    that floats, Values and Duals all run it. p: the parameters as one flat list."""
    d, k = len(X[0]), len(Y[0])
    W1, b1 = p[:d * hidden], p[d * hidden:(d + 1) * hidden]
    rest = p[(d + 1) * hidden:]
    W2, b2 = rest[:hidden * k], rest[hidden * k:]
    total = 0.0
    for x, t in zip(X, Y):
        h = [sum((W1[i * hidden + j] * x[i] for i in range(d)), b1[j]).tanh()
             for j in range(hidden)]
        for c in range(k):
            s = sum((W2[j * k + c] * h[j] for j in range(hidden)), b2[c])
            total = total + (s - t[c]) * (s - t[c])
    return total


def _peak_bytes(fn):
    tracemalloc.start()
    result = fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, peak


def _nodes(out):
    seen, todo = set(), [out]
    while todo:
        v = todo.pop()
        if id(v) not in seen:
            seen.add(id(v))
            todo.extend(v._prev)
    return len(seen)


def scalar_network(repeat):
    """Seconds and peak bytes of one gradient of the small tanh network by reverse mode, forward
    mode and centred differences, the nodes reverse mode keeps, and the agreement."""
    from course.grading.grader import load
    Value = load("07_autograd").Value
    X_train, y_train = digits_split()[:2]
    X = [[float(v) for v in row] for row in X_train[:4]]
    Y = [[float(c == label) for c in range(10)] for label in y_train[:4]]
    rng = np.random.default_rng(0)
    point = [float(v) for v in rng.normal(scale=0.3, size=64 * 8 + 8 + 8 * 10 + 10)]

    def reverse():
        p = [Value(v) for v in point]
        out = _scalar_loss(p, X, Y)
        out.backward()
        return [v.grad for v in p], _nodes(out)

    def centred():
        return numerical_gradient(lambda a: _scalar_loss([Plain(v) for v in a], X, Y),
                                  np.array(point))

    (g_rev, nodes), rev_bytes = _peak_bytes(reverse)
    g_fwd, fwd_bytes = _peak_bytes(lambda: forward_gradient(lambda p: _scalar_loss(p, X, Y),
                                                            point))
    plain = _median_seconds(lambda: _scalar_loss([Plain(v) for v in point], X, Y), 5 * repeat)
    return dict(parameters=len(point), nodes=nodes, plain=plain,
                reverse=_median_seconds(reverse, 3 * repeat),
                forward=_median_seconds(lambda: forward_gradient(
                    lambda p: _scalar_loss(p, X, Y), point), 1),
                numeric=_median_seconds(centred, 1),
                reverse_bytes=rev_bytes, forward_bytes=fwd_bytes,
                error=rel_error(g_rev, g_fwd), error_numeric=rel_error(g_rev, centred()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("BACKPROP_SOLUTIONS", str(SOLUTIONS))
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    d = digits_network(args.repeat)
    print(f"\n1. digits network, {d['parameters']} parameters, batch of 32 (numpy)")
    print(f"   forward pass (the loss)          {d['forward'] * 1e3:8.3f} ms")
    print(f"   forward + backward pass          {d['backward'] * 1e3:8.3f} ms "
          f"({d['backward'] / d['forward']:.1f}x the forward pass)")
    print(f"   centred differences, every one   {d['numeric'] * 1e3:8.1f} ms "
          f"({d['numeric'] / d['backward']:.0f}x the backward pass; "
          f"{2 * d['parameters']} forward passes)")
    print(f"   largest relative error between the two gradients: {d['error']:.1e}")
    s = scalar_network(args.repeat)
    print(f"\n2. tanh network on scalars, {s['parameters']} parameters, 4 images")
    print(f"   forward pass on plain floats     {s['plain'] * 1e3:8.1f} ms")
    print(f"   reverse mode (07's Value)        {s['reverse'] * 1e3:8.1f} ms "
          f"({s['reverse'] / s['plain']:.1f}x the plain forward pass), "
          f"peak {s['reverse_bytes'] / 2**20:.1f} MiB for {s['nodes']} nodes kept")
    print(f"   forward mode (Dual, one pass per parameter) {s['forward']:6.2f} s "
          f"({s['forward'] / s['reverse']:.0f}x reverse mode), "
          f"peak {s['forward_bytes'] / 2**20:.2f} MiB")
    print(f"   centred differences              {s['numeric']:8.2f} s "
          f"({s['numeric'] / s['reverse']:.0f}x reverse mode)")
    print(f"   relative error reverse vs forward mode {s['error']:.1e}, "
          f"vs centred differences {s['error_numeric']:.1e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
