#pragma once

#include <QString>

namespace loupe {

class Project;

/**
 * Writes the suspected annotation errors of a detection project's newest run
 * (AnnotationErrors), strongest first, one row per suggestion with its fix:
 * rank,image_id,image,issue,score,box_id,class,x,y,width,height,suggested_class,
 * suggested_x,suggested_y,suggested_width,suggested_height. box_id and the current box are
 * empty for an overlooked object; the suggested box is empty for a new class or a deletion.
 * Suggestions scoring below minimum are left out. Written to a temporary file and renamed.
 */
void exportAnnotationSuggestions(Project &project, const QString &path, double minimum = 0.1);

} // namespace loupe
