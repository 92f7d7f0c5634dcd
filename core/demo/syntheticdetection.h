#pragma once

#include <QString>

#include <cstdint>

namespace loupe {

class Progress;

struct SyntheticDetectionOptions
{
    qint64 images = 100000;
    int boxesPerImage = 10; ///< annotated objects per image (the predictions add about as many again)
    int classes = 20;
    int imagePool = 1000; ///< distinct image files the images point at
    uint64_t seed = 1;
};

/**
 * Writes a seeded synthetic COCO folder for scale tests and benchmarks: images of 640 x 480
 * (sharing a pool of small PNG files, as an import checks each distinct path once), objects
 * of random class, size and place, and a model's boxes: about 85 % of the objects found
 * (jittered, scored 0.3 to 1, the right class 90 % of the time), the rest missed, and low-scored
 * boxes on nothing, one per object found. The JSON is written as a stream, so a million boxes
 * need no document in memory.
 */
void writeSyntheticDetectionFolder(const QString &folder, const SyntheticDetectionOptions &options,
                                   Progress &progress);

} // namespace loupe
