//! Builder-style setters for the public fields of `#[non_exhaustive]` configuration structs
//! (`Thresholds`, `ArtifactOptions`), so that a field added later is not a breaking change
//! and `Default::default().field(value)` still reads well.

/// `setters!(Type { /// doc\n field: FieldType, ... })` writes, for each field, a method of
/// that name that sets it and returns the struct.
macro_rules! setters {
    ($type:ty { $($(#[$doc:meta])* $field:ident: $field_type:ty),* $(,)? }) => {
        impl $type {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $field(mut self, $field: $field_type) -> Self {
                    self.$field = $field;
                    self
                }
            )*
        }
    };
}

pub(crate) use setters;
