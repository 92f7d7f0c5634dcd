#include "dataset/metadatacolumn.h"

namespace loupe {

QString metadataTypeName(MetadataColumn::Type type)
{
    switch (type) {
    case MetadataColumn::Type::Integer:
        return QStringLiteral("integer");
    case MetadataColumn::Type::Real:
        return QStringLiteral("real");
    case MetadataColumn::Type::Text:
        break;
    }
    return QStringLiteral("text");
}

MetadataColumn::Type metadataTypeFromName(const QString &name)
{
    if (name == QLatin1String("integer"))
        return MetadataColumn::Type::Integer;
    if (name == QLatin1String("real"))
        return MetadataColumn::Type::Real;
    return MetadataColumn::Type::Text;
}

} // namespace loupe
