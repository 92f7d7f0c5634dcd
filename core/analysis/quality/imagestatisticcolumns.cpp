#include "analysis/quality/imagestatisticcolumns.h"

#include "analysis/quality/duplicateimagescan.h"

namespace loupe {

const std::vector<ImageStatisticColumn> &imageStatisticColumns()
{
    using Type = MetadataColumn::Type;
    // Width, height and aspect are known but left out of the conditions: most datasets have
    // one size, and a size is rarely what a failure pattern shares.
    static const std::vector<ImageStatisticColumn> columns = {
        {"image_brightness", Type::Real, [](const ImageFacts &f) { return f.statistics.brightness; }, true,
         false},
        {"image_contrast", Type::Real, [](const ImageFacts &f) { return f.statistics.contrast; }, true,
         false},
        {"image_sharpness", Type::Real, [](const ImageFacts &f) { return f.statistics.sharpness; }, true,
         true},
        {"image_colorfulness", Type::Real, [](const ImageFacts &f) { return f.statistics.colorfulness; },
         true, false},
        {"image_noise", Type::Real, [](const ImageFacts &f) { return f.statistics.noise; }, true, true},
        {"image_width", Type::Integer, [](const ImageFacts &f) { return double(f.width); }, false, false},
        {"image_height", Type::Integer, [](const ImageFacts &f) { return double(f.height); }, false, false},
        {"image_aspect", Type::Real, [](const ImageFacts &f) { return double(f.width) / f.height; }, false,
         false},
        {"image_file_size", Type::Integer, [](const ImageFacts &f) { return double(f.fileBytes); }, true,
         true},
    };
    return columns;
}

} // namespace loupe
