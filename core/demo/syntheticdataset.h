#pragma once

#include <QString>

#include <cstdint>

namespace loupe {

class Progress;

struct SyntheticOptions
{
    qint64 samples = 1000000;
    int classes = 10;
    int dimensions = 128;
    int imagePool = 1000; // distinct image files the samples point at
    uint64_t seed = 1;
};

/**
 * Writes a seeded synthetic Loupe folder for scale tests and benchmarks: a Gaussian
 * mixture of embeddings (ten low-rank components per class, see the .cpp), softmax predictions whose accuracy
 * is about 85 %, split and two metadata columns. To keep the folder small, samples
 * share a pool of small PNG files (an import checks each distinct path once).
 */
void writeSyntheticDataset(const QString &folder, const SyntheticOptions &options, Progress &progress);

} // namespace loupe
