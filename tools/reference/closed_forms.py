"""The locate-then-edit family's weight updates, reference for EditLab's `io.editlab.locate`
(`ClosedForms`), in float64, each as its official code writes it:
- MEMIT, kmeng01/memit `memit/memit_main.py` (`execute_memit`): the update solves
  (lambda * C + K K^T) X = K and multiplies the residuals by X^T, keys as columns;
- AlphaEdit, jianghoucheng/AlphaEdit `AlphaEdit/AlphaEdit_main.py`: the projector onto the null space
  of the preserved keys from the singular vectors of C whose singular values are below a threshold,
  and the update solving (P (K K^T + earlier) + l2 I) X = P K R^T;
- ROME, kmeng01/rome `rome/rome_main.py` and `compute_u.py`: the left vector C^-1 k and the right
  vector r / (k . C^-1 k), their outer product.
Written for EditLab; no code was copied. EditLab stores updates as [out, in] (the change of W in
W k) and keys as rows; the functions below take EditLab's layout and convert.
"""
import torch


def memit(keys, residuals, moment, weight):
    ks, resid = keys.T, residuals.T  # [in, n], [out, n]: the official layout
    adjusted = torch.linalg.solve(weight * moment + ks @ ks.T, ks)
    return resid @ adjusted.T


def null_space_projector(moment, threshold):
    u, s, _ = torch.linalg.svd(moment)
    small = u[:, s < threshold]
    return small @ small.T


def alpha_edit(keys, residuals, projector, earlier, l2):
    ks, resid = keys.T, residuals.T
    eye = torch.eye(ks.shape[0], dtype=ks.dtype)
    update = torch.linalg.solve(projector @ (ks @ ks.T + earlier) + l2 * eye, projector @ ks @ resid.T)
    return update.T


def rome(key, residual, inverse_moment):
    left = inverse_moment @ key
    right = residual / torch.dot(key, left)
    return torch.outer(right, left)
