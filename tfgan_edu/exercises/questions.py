"""Numeric concept questions, one number each, checked by `check(name, value)`.

Example:

>>> import tfgan_edu as tge
>>> tge.exercises.check("optimal_d_at_equilibrium", 0.5).passed
✓ optimal_d_at_equilibrium: 0.5 is right.
True
"""

from __future__ import annotations

from tfgan_edu.exercises._core import Question

QUESTIONS = (
    Question(
        "random_sentence_valid_percent",
        0,
        "Chapter 0's toy language keeps its rule (each token is the previous one "
        "plus one, modulo the vocabulary size) but now has a vocabulary of 10 "
        "tokens and sentences of 3 tokens. A generator that writes every token "
        "uniformly at random writes a valid sentence with what probability, in "
        "percent?",
        "A valid sentence is fixed by its first token: count them, then divide by "
        "the number of all sentences, vocabulary_size ** length (and multiply by 100).",
    ),
    Question(
        "value_at_equilibrium",
        1,
        r"When $p_g = p_\text{data}$ and $D = D^*_G$, what is the value "
        r"$V(D^*, G)$ (natural logarithm)?",
        "D* = 1/2 everywhere, so V = E[log 1/2] + E[log(1 - 1/2)].",
    ),
    Question(
        "optimal_d_at_equilibrium",
        1,
        r"When $p_g = p_\text{data}$, what does the optimal discriminator "
        r"$D^*(x)$ output?",
        "D*(x) = p_data(x) / (p_data(x) + p_g(x)) with p_g = p_data.",
    ),
    Question(
        "transposed_conv_same_output",
        2,
        "A `Conv2DTranspose` with kernel 4, stride 2 and `padding='same'` gets a "
        "7x7 feature map. What is the side of its output?",
        "With 'same' padding a transposed convolution multiplies the side by the stride.",
    ),
    Question(
        "transposed_conv_valid_output",
        2,
        "The same layer with `padding='valid'` on a 7x7 input: the side of its output?",
        "'valid': (in - 1) * stride + kernel.",
    ),
    Question(
        "acgan_uniform_class_loss",
        3,
        "An ACGAN discriminator's class head outputs the uniform distribution over "
        "10 classes for every image. What is its class loss (mean cross-entropy, "
        "natural logarithm)?",
        "The cross-entropy of a uniform prediction is -log(1/K) for any label.",
    ),
    Question(
        "projection_embedding_parameters",
        3,
        "A projection discriminator has 128 features and 10 classes. How many "
        "parameters does its class embedding V have?",
        "V has one row of F features per class.",
        rtol=0.0,
        atol=0.5,
    ),
    Question(
        "fid_mean_shift",
        4,
        r"What is the Fréchet distance between $\mathcal N(0, I_3)$ and "
        r"$\mathcal N(\mu, I_3)$ with $\mu = (1, 2, 2)$?",
        "With equal covariances the trace term vanishes: FD = ||mu_1 - mu_2||^2.",
    ),
    Question(
        "inception_score_perfect",
        4,
        "A classifier is certain about every generated image (one-hot p(y|x)) and "
        "the images are spread evenly over 10 classes. What is the Inception score?",
        "IS = exp(E_x KL(p(y|x) || p(y))); each KL is log K here.",
    ),
    Question(
        "kl_unit_shift",
        5,
        r"What is $\mathrm{KL}(\mathcal N(1, 1)\,\|\,\mathcal N(0, 1))$ (natural log)?",
        "KL = (sigma^2 + mu^2 - 1 - log sigma^2) / 2 per dimension.",
    ),
    Question(
        "gp_linear_critic",
        6,
        r"WGAN-GP with $\lambda = 10$ and a linear critic $f(x) = w \cdot x$ with "
        r"$\lVert w \rVert = 3$: what is the penalty $\lambda\,"
        r"\mathbb E[(\lVert \nabla f(\hat x) \rVert - 1)^2]$?",
        "The gradient of a linear critic is w everywhere.",
    ),
    Question(
        "pix2pix_l1_term",
        7,
        "pix2pix's generator loss weighs the L1 distance by 100. Every pixel of the "
        "output differs from the target by 0.02. What is the weighted L1 term?",
        "L1 = mean |fake - target|, times the weight.",
    ),
)
"""The questions, in chapter order."""
