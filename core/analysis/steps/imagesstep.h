#pragma once

#include "analysis/pipeline/analysisstep.h"

namespace loupe {

/**
 * Decodes every image once and stores what the pixels say as computed metadata columns
 * (image_brightness, image_contrast, image_sharpness, image_colorfulness, image_noise,
 * image_width, image_height, image_aspect, image_file_size), so that slices, the SQL
 * filter, the map and the cluster descriptions can name a visual condition with no user
 * metadata. The same pass hashes the decoded pixels; the facts go on to the duplicates
 * step, which would otherwise decode every image again.
 */
class ImagesStep final : public AnalysisStep
{
public:
    QString name() const override { return QStringLiteral("images"); }
    StepDataSet needs() const override { return StepData::ImagePaths; }
    /** Starts the decode: it reads only the image files, and runs beside the kNN step. */
    void start(AnalysisContext &context, const Progress &progress) const override;
    QJsonObject run(AnalysisContext &context, Progress &progress) const override;
    void addReportJson(const ReportContext &context, QJsonObject &report) const override;
};

} // namespace loupe
