#pragma once

#include <QString>

namespace loupe {

class Project;

/**
 * Writes a detection project's annotations as they are now (corrections included) as a COCO
 * instances file: images (id: the sample's id when it is a whole number, as imported from
 * COCO, else its position from 1; file_name, width and height when known), categories (id:
 * the class's position from 1, name) and annotations (id: the box's id, bbox, area, iscrowd).
 * Streamed, so a million boxes need no document in memory; written to a temporary file and
 * renamed, so a failure leaves no half file. Throws loupe::Error.
 */
void exportCoco(Project &project, const QString &path);

/** Writes the box edit log, oldest first:
 * time,user,source,box_id,image_id,action,old_class,new_class,old_box,new_box,note. */
void exportBoxEditLog(Project &project, const QString &path);

} // namespace loupe
