"""Model solutions, written as a student would in the exercise notebooks.

They are independent of the references in `tfgan_edu.exercises` (other
formulas, other ops: `tf` where the references use `keras.ops`, SVD-free
NumPy, ...), so a reference and a solution agreeing checks both. The
notebook tests insert the source of each function into its stub cell.
"""

import keras
import numpy as np
import tensorflow as tf


def two_sample_accuracy(real_logits, fake_logits):
    # D(x) = sigmoid(logit) > 1/2 for "real": compare the probabilities.
    labels = tf.concat([tf.ones_like(real_logits), tf.zeros_like(fake_logits)], 0)
    calls = tf.cast(
        tf.sigmoid(tf.concat([real_logits, fake_logits], 0)) > 0.5, tf.float32
    )
    return tf.reduce_mean(tf.cast(tf.equal(calls, labels), tf.float32))


def gumbel_softmax(logits, temperature, noise, hard):
    scaled = (logits + noise) / temperature
    scaled = scaled - tf.reduce_max(scaled, axis=-1, keepdims=True)
    soft = tf.exp(scaled) / tf.reduce_sum(tf.exp(scaled), axis=-1, keepdims=True)
    if not hard:
        return soft
    is_max = tf.equal(soft, tf.reduce_max(soft, axis=-1, keepdims=True))
    one_hot = tf.cast(is_max, soft.dtype)
    return tf.stop_gradient(one_hot - soft) + soft


def minimax_discriminator_loss(real_logits, fake_logits):
    real_loss = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.ones_like(real_logits), logits=real_logits
    )
    fake_loss = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.zeros_like(fake_logits), logits=fake_logits
    )
    return tf.reduce_mean(real_loss) + tf.reduce_mean(fake_loss)


def non_saturating_generator_loss(fake_logits):
    return tf.reduce_mean(
        tf.nn.sigmoid_cross_entropy_with_logits(
            labels=tf.ones_like(fake_logits), logits=fake_logits
        )
    )


def optimal_discriminator(p_data, p_g):
    return 1.0 / (1.0 + p_g / p_data)


def mlp_generator(latent_dim, hidden_units, output_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(hidden_units)(z)
    h = keras.layers.Activation("relu")(h)
    h = keras.layers.Dense(hidden_units)(h)
    h = keras.layers.Activation("relu")(h)
    return keras.Model(z, keras.layers.Dense(output_dim)(h))


def mlp_discriminator(input_dim, hidden_units):
    x = keras.Input(shape=(input_dim,))
    h = keras.layers.LeakyReLU(negative_slope=0.2)(keras.layers.Dense(hidden_units)(x))
    h = keras.layers.LeakyReLU(negative_slope=0.2)(keras.layers.Dense(hidden_units)(h))
    return keras.Model(x, keras.layers.Dense(1)(h))


def train_step(self, real):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    batch_size = tf.shape(real)[0]
    z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
    with tf.GradientTape() as tape:
        real_logits = self.discriminator(real, training=True)
        fake_logits = self.discriminator(
            self.generator(z, training=True), training=True
        )
        d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(
            tf.zeros_like(fake_logits), fake_logits
        )
    grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
    self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
    z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
    with tf.GradientTape() as tape:
        fake_logits = self.discriminator(
            self.generator(z, training=True), training=True
        )
        g_loss = bce(tf.ones_like(fake_logits), fake_logits)
    grads = tape.gradient(g_loss, self.generator.trainable_variables)
    self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
    return {"d_loss": d_loss, "g_loss": g_loss}  # the running means, after one step


def slerp(z0, z1, t):
    u0, u1 = z0 / np.linalg.norm(z0), z1 / np.linalg.norm(z1)
    cos = np.dot(u0, u1)
    omega = np.arctan2(np.linalg.norm(u1 - cos * u0), cos)  # the angle between them
    t = np.reshape(t, (-1, 1))
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def projection_logit(features, labels, w, b, embeddings):
    one_hot = tf.one_hot(labels, depth=embeddings.shape[0])  # (B, K)
    class_vectors = one_hot @ embeddings  # (B, F)
    return (
        tf.linalg.matvec(features, w)
        + b
        + tf.einsum("bf,bf->b", class_vectors, features)
    )


def frechet_distance(mu1, sigma1, mu2, sigma2):
    # tr((S1 S2)^(1/2)) = sum of the square roots of the eigenvalues of S1 S2.
    eigenvalues = np.linalg.eigvals(sigma1 @ sigma2)
    trace_sqrt = np.sum(np.sqrt(np.clip(eigenvalues.real, 0.0, None)))
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt)


def inception_score(probs):
    p_y = probs.mean(axis=0)
    ratio = np.where(probs > 0, probs / p_y, 1.0)
    kl = np.sum(probs * np.log(ratio), axis=1)
    return float(np.exp(np.mean(kl)))


def mode_coverage(samples, centres, sigma):
    captured = set()
    high_quality = 0
    for point in samples:
        distances = np.sqrt(((centres - point) ** 2).sum(axis=1))
        k = int(np.argmin(distances))
        if distances[k] <= 3 * sigma:
            high_quality += 1
            captured.add(k)
    return len(captured), high_quality / len(samples)


def reparameterize(mean, log_var, eps):
    return mean + tf.sqrt(tf.exp(log_var)) * eps


def gaussian_kl(mean, log_var):
    var = tf.exp(log_var)
    return tf.reduce_sum(0.5 * (var + mean**2 - 1.0) - 0.5 * log_var, axis=1)


def interpolate(real, fake, seed):
    batch = tf.shape(real)[0]
    shape = tf.concat([[batch], tf.ones([tf.rank(real) - 1], tf.int32)], axis=0)
    eps = tf.random.stateless_uniform(shape, seed=[seed, 0], dtype=real.dtype)
    return fake + eps * (real - fake)


def gradient_penalty(critic, real, fake, eps):
    eps = tf.reshape(eps, [-1] + [1] * (len(real.shape) - 1))
    x_hat = fake + eps * (real - fake)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    flat = tf.reshape(grads, [tf.shape(grads)[0], -1])
    norms = tf.sqrt(tf.reduce_sum(flat**2, axis=1) + 1e-12)
    return tf.reduce_mean((norms - 1.0) ** 2)


def r1_penalty(critic, real):
    with tf.GradientTape() as tape:
        tape.watch(real)
        scores = critic(real, training=True)
    grads = tape.gradient(scores, real)
    flat = tf.reshape(grads, [tf.shape(grads)[0], -1])
    return tf.reduce_mean(tf.reduce_sum(flat * flat, axis=1))


def spectral_normalize(kernel, u, n_iterations):
    w = kernel.reshape(-1, kernel.shape[-1])
    for _ in range(n_iterations):
        v = w @ u
        v /= np.sqrt(v @ v)
        u = w.T @ v
        u /= np.sqrt(u @ u)
    sigma = v @ (w @ u)
    return kernel / sigma, u


def cycle_consistency_loss(real_a, cycled_a, real_b, cycled_b, weight=10.0):
    forward = tf.reduce_mean(tf.abs(real_a - cycled_a))
    backward = tf.reduce_mean(tf.abs(real_b - cycled_b))
    return weight * (forward + backward)


def pix2pix_generator_loss(fake_logits, fake, target, l1_weight=100.0):
    adversarial = tf.reduce_mean(
        tf.nn.sigmoid_cross_entropy_with_logits(
            labels=tf.ones_like(fake_logits), logits=fake_logits
        )
    )
    return adversarial + l1_weight * tf.reduce_mean(tf.abs(target - fake))


def transposed_conv_output_size(size, kernel, stride, padding, output_padding=0):
    if isinstance(padding, str):
        # Keras' own layer says it: build a Conv2DTranspose, read its output shape.
        layer = keras.layers.Conv2DTranspose(1, kernel, strides=stride, padding=padding)
        return int(layer.compute_output_shape((1, size, size, 1))[1])
    # Input position i spreads its kernel over outputs i*stride ... i*stride+kernel-1;
    # then `padding` is cut from both ends and `output_padding` added to one.
    full = max(i * stride + kernel for i in range(size))
    return full - 2 * padding + output_padding


def dcgan_generator_block(x, kernel, gamma, beta):
    batch, height, width, _ = x.shape
    shape = (batch, 2 * height, 2 * width, kernel.shape[2])
    u = tf.nn.conv2d_transpose(x, kernel, output_shape=shape, strides=2, padding="SAME")
    mean, var = tf.nn.moments(u, axes=[0, 1, 2])
    return tf.nn.relu(tf.nn.batch_normalization(u, mean, var, beta, gamma, 1e-3))


def dcgan_discriminator_block(x, kernel, bias):
    u = tf.nn.conv2d(x, kernel, strides=2, padding="SAME") + bias
    return tf.nn.leaky_relu(u, alpha=0.2)


def dcgan_mnist_generator(latent_dim, base_filters):
    f = base_filters
    z = keras.Input(shape=(latent_dim,))
    x = keras.layers.Reshape((7, 7, 2 * f))(
        keras.layers.Dense(98 * f, use_bias=False)(z)
    )
    x = keras.layers.ReLU()(keras.layers.BatchNormalization()(x))
    x = keras.layers.Conv2DTranspose(f, 4, strides=2, padding="same", use_bias=False)(x)
    x = keras.layers.ReLU()(keras.layers.BatchNormalization()(x))
    out = keras.layers.Conv2DTranspose(1, (4, 4), strides=(2, 2), padding="same")(x)
    return keras.Model(z, keras.layers.Activation("tanh")(out))


def conditional_generator_input(z, labels, num_classes):
    return tf.concat([z, tf.one_hot(labels, num_classes, dtype=tf.float32)], axis=1)


def acgan_class_loss(class_logits, labels):
    return tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=class_logits
        )
    )


QUESTION_ANSWERS = {  # the concept questions, worked out by hand
    "random_sentence_valid_percent": 1.0,  # 10 valid of 10^3, in percent
    "value_at_equilibrium": -1.3862944,  # 2 log(1/2) = -log 4
    "optimal_d_at_equilibrium": 0.5,
    "transposed_conv_same_output": 14,
    "transposed_conv_valid_output": 16,  # (7 - 1) 2 + 4
    "acgan_uniform_class_loss": 2.3025851,  # log 10
    "projection_embedding_parameters": 1280,
    "fid_mean_shift": 9.0,  # 1 + 4 + 4
    "inception_score_perfect": 10.0,
    "kl_unit_shift": 0.5,
    "gp_linear_critic": 40.0,  # 10 (3 - 1)^2
    "pix2pix_l1_term": 2.0,
}
