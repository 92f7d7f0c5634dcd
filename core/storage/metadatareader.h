#pragma once

#include "dataset/samplemetadatacolumn.h"

#include <vector>

namespace loupe {

class Project;

/** Every metadata column of the project (Project::metadataColumns()), read from sample_metadata in one pass.
 */
std::vector<SampleMetadataColumn> readSampleMetadata(Project &project);

} // namespace loupe
