#include "objectslices.h"

#include "dataset/sampletable.h"

#include <cmath>

namespace loupe {

namespace {

SampleMetadataColumn numericColumn(const QString &name, std::vector<double> values)
{
    SampleMetadataColumn column;
    column.name = name;
    column.type = MetadataColumn::Type::Real;
    column.numbers = std::move(values);
    return column;
}

/** The image's value of column for each object. */
SampleMetadataColumn perObject(const SampleMetadataColumn &column, const std::vector<qint64> &imageOf)
{
    SampleMetadataColumn result;
    result.name = column.name;
    result.type = column.type;
    result.categories = column.categories;
    for (const qint64 image : imageOf) {
        if (column.type == MetadataColumn::Type::Text)
            result.codes.push_back(column.codes[size_t(image)]);
        else
            result.numbers.push_back(column.numbers[size_t(image)]);
    }
    return result;
}

} // namespace

std::vector<Slice> ObjectSlices::find(const DetectionSet &set, const BoxErrors &errors,
                                      const QStringList &classNames, const std::vector<int> &imageSplit,
                                      const QStringList &splitNames,
                                      const std::vector<SampleMetadataColumn> &imageMetadata,
                                      Progress &progress, const SliceFinderParams &params)
{
    // The objects as the samples of a table: their class the label, the prediction their class
    // when a box found them and "(missed)" otherwise, so an object is an error when it is missed.
    SampleTable objects;
    objects.classNames = classNames;
    objects.classNames << QStringLiteral("(missed)");
    objects.splitNames = splitNames;
    const int missed = int(classNames.size());
    std::vector<qint64> imageOf, annotationOf;
    std::vector<double> size, aspect, crowding;
    std::vector<qint64> perImage(size_t(set.images), 0);
    for (const Annotation &a : set.annotations)
        perImage[size_t(a.image)] += a.crowd ? 0 : 1;
    for (size_t g = 0; g < set.annotations.size(); ++g) {
        const Annotation &a = set.annotations[g];
        if (a.crowd)
            continue;
        imageOf.push_back(a.image);
        annotationOf.push_back(qint64(g));
        objects.labels.push_back(a.category);
        const bool found = errors.annotations[g].detection >= 0;
        objects.predicted.push_back(found ? a.category : missed);
        objects.splitIndex.push_back(size_t(a.image) < imageSplit.size() ? imageSplit[size_t(a.image)] : -1);
        objects.loss.push_back(NAN);
        size.push_back(std::sqrt(a.box.area()));
        aspect.push_back(a.box.height > 0.0 ? a.box.width / a.box.height : NAN);
        crowding.push_back(double(perImage[size_t(a.image)]));
    }
    std::vector<SampleMetadataColumn> columns;
    columns.push_back(numericColumn(QStringLiteral("object_size"), std::move(size)));
    columns.push_back(numericColumn(QStringLiteral("aspect_ratio"), std::move(aspect)));
    columns.push_back(numericColumn(QStringLiteral("objects_in_image"), std::move(crowding)));
    for (const SampleMetadataColumn &column : imageMetadata)
        columns.push_back(perObject(column, imageOf));
    SliceFinderParams withRows = params;
    withRows.keepErrorRows = true;
    std::vector<Slice> slices;
    for (Slice &slice : SliceFinder(withRows).run(objects, columns, progress)) {
        // What the model predicted is the outcome itself here ("(missed)" is missed by definition).
        if (slice.column == QLatin1String("predicted"))
            continue;
        slice.condition.clear();
        for (qint64 &row : slice.errorRows)
            row = annotationOf[size_t(row)];
        if (slice.column == QLatin1String("label"))
            slice.column = QStringLiteral("class");
        slices.push_back(std::move(slice));
    }
    return slices;
}

} // namespace loupe
