"""The static site of a build folder: notebook pages, the index, the manifest, reference pages."""
