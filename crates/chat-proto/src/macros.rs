//! `text_enum!`: enums written in JSON as fixed strings, optionally keeping unknown ones.

/// Defines an enum whose JSON form is one of a fixed set of strings. With
/// `unknown Variant`, any other string is kept verbatim in that variant (as the
/// reference does for roles, report reasons, ...); without it, other strings are errors.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Debug)]
        pub enum $name { $($(#[$vdoc])* $var),+ }

        impl $name {
            /// The JSON string of this value.
            pub fn as_str(&self) -> &str {
                match self { $($name::$var => $s),+ }
            }

            /// The value of a JSON string, if it is a known one.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$var),)+ _ => None }
            }
        }

        text_enum!(@serde $name);

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| {
                    serde::de::Error::custom(concat!("bad ", stringify!($name)))
                })
            }
        }
    };
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $var:ident = $s:literal),+ $(,)? }
     unknown $(#[$udoc:meta])* $unk:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Debug)]
        pub enum $name { $($(#[$vdoc])* $var,)+ $(#[$udoc])* $unk(String) }

        impl $name {
            /// The JSON string of this value.
            pub fn as_str(&self) -> &str {
                match self { $($name::$var => $s,)+ $name::$unk(t) => t }
            }

            /// The value of a JSON string (unknown strings are kept).
            pub fn parse(s: &str) -> Self {
                match s { $($s => $name::$var,)+ t => $name::$unk(t.to_owned()) }
            }
        }

        text_enum!(@serde $name);

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok($name::parse(&String::deserialize(d)?))
            }
        }
    };
    (@serde $name:ident) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}
