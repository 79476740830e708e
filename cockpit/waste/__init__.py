"""垃圾分类 Waste: data, the collection rule (不过午、不过夜), charts and map layers."""
