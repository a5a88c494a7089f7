"""PNG plots for `critica evaluate`: confusion matrix and reliability diagram."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from critica.evaluation.metrics import confusion, reliability_table


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only; never needs a display
    import matplotlib.pyplot as plt

    return plt


def save_confusion_matrix(y: np.ndarray, proba: np.ndarray, path: Path) -> Path:
    """Write the 2×2 confusion matrix as a PNG."""
    plt = _pyplot()
    matrix = confusion(y, proba)
    fig, ax = plt.subplots(figsize=(4, 3.6), dpi=120)
    ax.imshow(matrix, cmap="Blues")
    labels = ["negativa", "positiva"]
    ax.set_xticks([0, 1], labels)
    ax.set_yticks([0, 1], labels)
    ax.set_xlabel("predicha")
    ax.set_ylabel("real")
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(j, i, str(value), ha="center", va="center", color="white" if value > matrix.max() / 2 else "black")
    ax.set_title("Matriz de confusión")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def save_reliability_diagram(y: np.ndarray, proba: np.ndarray, path: Path) -> Path:
    """Write predicted-vs-observed positive rate per probability bin as a PNG."""
    plt = _pyplot()
    table = reliability_table(y, proba)
    fig, ax = plt.subplots(figsize=(4.2, 4), dpi=120)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="calibración perfecta")
    if table:
        predicted, observed, _ = zip(*table, strict=True)
        ax.plot(predicted, observed, marker="o", label="modelo")
        for x, yv, n in table:
            ax.annotate(str(n), (x, yv), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlabel("P(positiva) predicha")
    ax.set_ylabel("proporción positiva observada")
    ax.set_title("Diagrama de fiabilidad")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def save_rating_confusion(stars: np.ndarray, rating: np.ndarray, path: Path) -> Path:
    """Write the 5×5 matrix of true stars against the rounded estimated rating as a PNG."""
    from critica.evaluation.metrics import rounded_stars

    plt = _pyplot()
    matrix = np.zeros((5, 5), dtype=int)
    for true, predicted in zip(np.asarray(stars, dtype=int), rounded_stars(rating), strict=True):
        matrix[true - 1, predicted - 1] += 1
    fig, ax = plt.subplots(figsize=(4.6, 4), dpi=120)
    ax.imshow(matrix, cmap="Blues")
    ticks = [str(k) for k in range(1, 6)]
    ax.set_xticks(range(5), ticks)
    ax.set_yticks(range(5), ticks)
    ax.set_xlabel("estrellas estimadas (redondeadas)")
    ax.set_ylabel("estrellas del crítico")
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(j, i, str(value), ha="center", va="center", color="white" if value > matrix.max() / 2 else "black")
    ax.set_title("Matriz de confusión de la valoración")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
