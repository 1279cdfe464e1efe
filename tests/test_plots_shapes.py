"""The matrix-shape boxes of notebook 05, drawn without Jupyter."""
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from course.pictures.shapes import matmul_rows, product_shape, shapes_figure, transpose


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _boxes(fig):
    return [p for ax in fig.axes for p in ax.patches if isinstance(p, Rectangle)]


def test_product_shape_needs_matching_inner_dimensions():
    """Is (5, 10) @ (10, 3) of shape (5, 3), and (10, 3) @ (5, 3) no product at all?"""
    assert product_shape((5, 10), (10, 3)) == (5, 3)
    assert product_shape((10, 3), (5, 3)) is None


def test_transpose_reverses_the_shape_and_marks_the_name():
    """Does transposing twice give the original name and shape back?"""
    assert transpose("X", (10, 3)) == ("Xᵀ", (3, 10))
    assert transpose(*transpose("X", (10, 3))) == ("X", (10, 3))


def test_backward_rows_give_each_gradient_its_variables_shape():
    """For D = W X, are dD Xᵀ and Wᵀ dD exactly the shapes of W and X, for several shapes?"""
    for w, x in [((5, 10), (10, 3)), ((1, 4), (4, 1)), ((3, 3), (3, 7))]:
        for _, (_, left), (_, right), want in matmul_rows(w, x):
            assert product_shape(left, right) == want


def test_boxes_are_sized_by_shape():
    """Is every box as tall as its rows and as wide as its columns, three boxes per row?"""
    fig = shapes_figure(matmul_rows((5, 10), (10, 3)))
    assert isinstance(fig, Figure)
    sizes = sorted((b.get_height(), b.get_width()) for b in _boxes(fig))
    wanted = sorted([(5, 10), (10, 3), (5, 3), (5, 3), (3, 10), (5, 10), (10, 5), (5, 3), (10, 3)])
    assert sizes == wanted
    assert "✓ the shape of W" in _texts(fig) and "✓ the shape of X" in _texts(fig)


def test_shapes_that_do_not_line_up_are_marked():
    """Does a product with mismatched inner dimensions say so, and draw no result box?"""
    fig = shapes_figure([("dW", transpose("X", (10, 3)), ("dD", (5, 3)), (5, 10))])
    assert len(_boxes(fig)) == 2
    assert any("10 ≠ 5" in t for t in _texts(fig))


def test_a_product_of_the_wrong_shape_is_marked():
    """Is a product that exists but has the wrong shape flagged with the shape it should have?"""
    fig = shapes_figure([("dX", ("dD", (5, 3)), ("Wᵀ", (3, 5)), (10, 3))])
    assert any("should be 10×3" in t for t in _texts(fig))
