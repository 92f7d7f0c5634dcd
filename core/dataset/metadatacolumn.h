#pragma once

#include <QString>

namespace loupe {

/** A typed metadata column of the samples (see docs/project-format.md). */
struct MetadataColumn
{
    enum class Type { Integer, Real, Text };
    QString name;
    Type type = Type::Text;
};

/** "integer", "real" or "text": the names stored in the project. */
QString metadataTypeName(MetadataColumn::Type type);
MetadataColumn::Type metadataTypeFromName(const QString &name);

} // namespace loupe
