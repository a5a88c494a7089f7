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
    labels = ["negativa", "positiva"]
    return _save_matrix(confusion(y, proba), labels, "predicha", "real", "Matriz de confusión", path, (4, 3.6))


def _save_matrix(
    matrix: np.ndarray, labels: list[str], xlabel: str, ylabel: str, title: str, path: Path, size: tuple[float, float]
) -> Path:
    """A count matrix as a PNG heat map, each cell labelled with its count."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=size, dpi=120)
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(j, i, str(value), ha="center", va="center", color="white" if value > matrix.max() / 2 else "black")
    ax.set_title(title)
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
    from sklearn.metrics import confusion_matrix

    from critica.evaluation.metrics import rounded_stars

    matrix = confusion_matrix(np.asarray(stars, dtype=int), rounded_stars(rating), labels=[1, 2, 3, 4, 5])
    labels = [str(k) for k in range(1, 6)]
    title = "Matriz de confusión de la valoración"
    return _save_matrix(
        matrix, labels, "estrellas estimadas (redondeadas)", "estrellas del crítico", title, path, (4.6, 4)
    )
