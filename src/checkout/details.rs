//! The shopper's details (name, phone, email, address, notes, state/LGA) and their rules, taken
//! from `amigo-types` so the widget refuses exactly what the proxy and the platform would.

use amigo_types::delivery::{DeliveryLocationInput, DeliveryTier, LineItem};
use amigo_types::orders::{
    CreateOrderRequest, CustomerInput, DeliveryInput, MAX_ADDRESS_LEN, MAX_NAME_LEN, MAX_NOTES_LEN,
    is_plausible_email,
};
use amigo_types::phone::{NgMobile, network_for};
use serde::{Deserialize, Serialize};

use crate::wording::{Later, Wording};

/// A part of the checkout page, in page order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// Name, phone, email.
    Details,
    /// Address line, notes, state/LGA.
    Address,
    /// Standard or Premium delivery.
    Delivery,
    /// Items and totals, and the "Place order" button.
    Review,
}

impl Step {
    /// The id of the step's section heading (for focus and `aria-labelledby`).
    pub fn heading_id(self) -> &'static str {
        match self {
            Step::Details => "co-step-details",
            Step::Address => "co-step-address",
            Step::Delivery => "co-step-delivery",
            Step::Review => "co-step-review",
        }
    }
}

/// A form control an error can point at, in page order (so the first error is the first field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Full name.
    Name,
    /// Mobile number.
    Phone,
    /// Email (optional).
    Email,
    /// Address line.
    Address,
    /// Notes for the rider.
    Notes,
    /// The state/LGA combobox.
    Location,
    /// The Standard/Premium radio group.
    Tier,
    /// The cart lines under review.
    Items,
}

impl Field {
    /// The control's element id inside the widget.
    pub fn input_id(self) -> &'static str {
        match self {
            Field::Name => "co-name",
            Field::Phone => "co-phone",
            Field::Email => "co-email",
            Field::Address => "co-address",
            Field::Notes => "co-notes",
            Field::Location => "co-location",
            Field::Tier => "co-tier-standard",
            Field::Items => "co-items",
        }
    }

    /// The id of the inline message next to the control (`aria-describedby`).
    pub fn error_id(self) -> String {
        format!("{}-error", self.input_id())
    }

    /// The step the control lives in.
    pub fn step(self) -> Step {
        match self {
            Field::Name | Field::Phone | Field::Email => Step::Details,
            Field::Address | Field::Notes | Field::Location => Step::Address,
            Field::Tier => Step::Delivery,
            Field::Items => Step::Review,
        }
    }
}

/// One inline error: which control, and what to tell the shopper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The control at fault.
    pub field: Field,
    /// What the shopper is told (`{n}` is [`FieldError::limit`]).
    pub text: Later,
    /// The length limit the text names, if any.
    pub limit: usize,
}

impl FieldError {
    /// An error on `field`.
    pub fn new(field: Field, text: Later) -> Self {
        Self {
            field,
            text,
            limit: 0,
        }
    }

    /// An error on `field` that names its length limit.
    fn too_long(field: Field, text: Later, limit: usize) -> Self {
        Self { field, text, limit }
    }

    /// The sentence for the shopper, in the store's wording.
    pub fn message(&self, w: &Wording) -> String {
        w.fill(self.text, &[("n", &self.limit.to_string())])
    }
}

/// The store's text for why a phone number was refused, from [`NgMobile::parse`]'s own
/// (English, for developers) explanation; a unit test holds each of its reasons to one text.
pub fn phone_text(message: &str) -> Later {
    if message.starts_with("A phone number can only contain") {
        Later::phone_characters
    } else if message.starts_with("That is not a Nigerian") {
        Later::phone_not_nigerian
    } else if message.starts_with("Enter an 11-digit") {
        Later::phone_length
    } else {
        Later::phone_required
    }
}

/// The first error in page order: the control that gets focus.
pub fn first_invalid(errors: &[FieldError]) -> Option<Field> {
    errors.iter().map(|e| e.field).min()
}

/// The summary above "Place order" while fields are invalid, counting the errors that remain,
/// so it shrinks as the shopper fixes them and disappears with the last one.
pub fn fix_fields_notice(errors: &[FieldError], w: &Wording) -> Option<String> {
    match errors.len() {
        0 => None,
        1 => Some(w.get(Later::fix_one_field).to_owned()),
        n => Some(w.fill(Later::fix_fields, &[("n", &n.to_string())])),
    }
}

/// The error message for `field`, if any.
pub fn message_for(errors: &[FieldError], field: Field, w: &Wording) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message(w))
}

/// What the shopper typed, as typed (validated on submit and on blur).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetails {
    /// Full name.
    pub name: String,
    /// Phone in any accepted form.
    pub phone: String,
    /// Email, may be blank.
    pub email: String,
    /// Address line.
    pub address: String,
    /// Notes for the rider, may be blank.
    pub notes: String,
}

/// The delivery area chosen in the typeahead: an LGA within its state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChosenLocation {
    /// State code (`KD`).
    pub state_code: String,
    /// State name (`Kaduna`).
    pub state_name: String,
    /// LGA id.
    pub lga_id: u32,
    /// LGA name (`Zaria`).
    pub lga_name: String,
}

impl ChosenLocation {
    /// "Zaria — Kaduna".
    pub fn label(&self) -> String {
        format!("{} — {}", self.lga_name, self.state_name)
    }

    /// The location as the quote and order bodies send it (`state_code` + `lga_name`).
    pub fn to_input(&self) -> DeliveryLocationInput {
        DeliveryLocationInput {
            state_code: Some(self.state_code.clone()),
            state_id: None,
            lga_name: Some(self.lga_name.clone()),
            lga_id: None,
        }
    }

    /// Whether the values have the shapes the platform accepts (used on data read back from
    /// storage).
    pub fn is_well_formed(&self) -> bool {
        let code = self.state_code.as_str();
        (2..=3).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_uppercase())
            && !self.state_name.trim().is_empty()
            && self.state_name.chars().count() <= 80
            && !self.lga_name.trim().is_empty()
            && self.lga_name.chars().count() <= 80
            && self.lga_id > 0
    }
}

/// Details that passed every rule, normalised for the order body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDetails {
    /// Trimmed name.
    pub name: String,
    /// `0XXXXXXXXXX`.
    pub phone: NgMobile,
    /// Trimmed email, if given.
    pub email: Option<String>,
    /// Trimmed address.
    pub address: String,
    /// Trimmed notes, if given.
    pub notes: Option<String>,
    /// Where to deliver.
    pub location: ChosenLocation,
}

/// The name rule alone (for validation on blur).
pub fn check_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(FieldError::new(Field::Name, Later::name_required));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(FieldError::too_long(
            Field::Name,
            Later::name_too_long,
            MAX_NAME_LEN,
        ));
    }
    Ok(name.to_owned())
}

/// The phone rule alone: any accepted form, normalised to `0XXXXXXXXXX`.
pub fn check_phone(raw: &str) -> Result<NgMobile, FieldError> {
    if raw.trim().is_empty() {
        return Err(FieldError::new(Field::Phone, Later::phone_required));
    }
    NgMobile::parse(raw).map_err(|e| FieldError::new(Field::Phone, phone_text(&e.message)))
}

/// The email rule alone: blank is fine, anything else must look like an address.
pub fn check_email(raw: &str) -> Result<Option<String>, FieldError> {
    let email = raw.trim();
    if email.is_empty() {
        return Ok(None);
    }
    if is_plausible_email(email) {
        Ok(Some(email.to_owned()))
    } else {
        Err(FieldError::new(Field::Email, Later::email_invalid))
    }
}

/// The address rule alone.
pub fn check_address(raw: &str) -> Result<String, FieldError> {
    let address = raw.trim();
    if address.is_empty() {
        return Err(FieldError::new(Field::Address, Later::address_required));
    }
    if address.chars().count() > MAX_ADDRESS_LEN {
        return Err(FieldError::too_long(
            Field::Address,
            Later::address_too_long,
            MAX_ADDRESS_LEN,
        ));
    }
    Ok(address.to_owned())
}

/// The notes rule alone.
pub fn check_notes(raw: &str) -> Result<Option<String>, FieldError> {
    let notes = raw.trim();
    if notes.chars().count() > MAX_NOTES_LEN {
        return Err(FieldError::too_long(
            Field::Notes,
            Later::notes_too_long,
            MAX_NOTES_LEN,
        ));
    }
    Ok((!notes.is_empty()).then(|| notes.to_owned()))
}

/// Checks every field and collects every error in page order, so each message shows beside its
/// field and the first one can take focus.
pub fn validate(
    details: &CustomerDetails,
    location: Option<&ChosenLocation>,
) -> Result<ValidDetails, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = check_name(&details.name).map_err(|e| errors.push(e)).ok();
    let phone = check_phone(&details.phone).map_err(|e| errors.push(e)).ok();
    let email = check_email(&details.email).map_err(|e| errors.push(e)).ok();
    let address = check_address(&details.address)
        .map_err(|e| errors.push(e))
        .ok();
    let notes = check_notes(&details.notes).map_err(|e| errors.push(e)).ok();
    if location.is_none() {
        errors.push(FieldError::new(Field::Location, Later::location_required));
    }
    match (name, phone, email, address, notes, location) {
        (Some(name), Some(phone), Some(email), Some(address), Some(notes), Some(location))
            if errors.is_empty() =>
        {
            Ok(ValidDetails {
                name,
                phone,
                email,
                address,
                notes,
                location: location.clone(),
            })
        }
        _ => Err(errors),
    }
}

/// The network hint for what has been typed so far (`0803…` → MTN), from the first-issued
/// prefix; `None` while too little is typed or the prefix is unknown.
pub fn network_hint(raw: &str) -> Option<&'static str> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("234") {
        format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
    } else if digits.starts_with('0') {
        digits
    } else if digits.len() >= 3 && matches!(digits.as_bytes()[0], b'7' | b'8' | b'9') {
        format!("0{digits}")
    } else {
        return None;
    };
    if national.len() < 4 {
        return None;
    }
    network_for(&national)
}

/// The order body for valid details, a tier and the cart's lines.
pub fn order_request(
    details: &ValidDetails,
    tier: DeliveryTier,
    items: &[LineItem],
) -> CreateOrderRequest {
    CreateOrderRequest {
        customer: CustomerInput {
            name: details.name.clone(),
            phone: details.phone.as_str().to_owned(),
            email: details.email.clone(),
        },
        delivery: DeliveryInput {
            address: details.address.clone(),
            location: details.location.to_input(),
            tier: Some(tier.as_str().to_owned()),
            city: None,
            state: None,
            notes: details.notes.clone(),
        },
        items: items.to_vec(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::wording::ENGLISH;

    #[test]
    fn the_fix_fields_notice_follows_the_remaining_errors() {
        let mut errors = vec![
            FieldError::new(Field::Name, Later::name_required),
            FieldError::new(Field::Tier, Later::refused_tier),
        ];
        assert_eq!(
            fix_fields_notice(&errors, &ENGLISH).as_deref(),
            Some("Please fix the 2 highlighted fields.")
        );
        errors.retain(|e| e.field != Field::Tier);
        assert_eq!(
            fix_fields_notice(&errors, &ENGLISH).as_deref(),
            Some("Please fix the highlighted field.")
        );
        errors.clear();
        assert_eq!(fix_fields_notice(&errors, &ENGLISH), None);
    }

    pub(crate) fn zaria() -> ChosenLocation {
        ChosenLocation {
            state_code: "KD".into(),
            state_name: "Kaduna".into(),
            lga_id: 155,
            lga_name: "Zaria".into(),
        }
    }

    pub(crate) fn aisha() -> CustomerDetails {
        CustomerDetails {
            name: "  Aisha Bello ".into(),
            phone: "+234 803-123-4567".into(),
            email: " aisha@example.com ".into(),
            address: "Plot 12, Sabon Gari".into(),
            notes: String::new(),
        }
    }

    #[test]
    fn valid_details_are_normalised() {
        let v = validate(&aisha(), Some(&zaria())).unwrap();
        assert_eq!(v.name, "Aisha Bello");
        assert_eq!(v.phone.as_str(), "08031234567");
        assert_eq!(v.email.as_deref(), Some("aisha@example.com"));
        assert_eq!(v.notes, None);
        let body = order_request(
            &v,
            DeliveryTier::Premium,
            &[LineItem {
                product_id: 3,
                quantity: 2,
            }],
        );
        // what we send passes the shared rules the proxy applies
        let checked = body.validate().unwrap();
        assert_eq!(checked.tier, DeliveryTier::Premium);
        assert_eq!(body.delivery.location.state_code.as_deref(), Some("KD"));
        assert_eq!(body.delivery.location.lga_name.as_deref(), Some("Zaria"));
    }

    #[test]
    fn every_error_is_collected_in_page_order() {
        let blank = CustomerDetails {
            email: "not-an-email".into(),
            notes: "n".repeat(MAX_NOTES_LEN + 1),
            ..CustomerDetails::default()
        };
        let errors = validate(&blank, None).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                Field::Name,
                Field::Phone,
                Field::Email,
                Field::Address,
                Field::Notes,
                Field::Location
            ]
        );
        assert_eq!(first_invalid(&errors), Some(Field::Name));
        let only_phone = CustomerDetails {
            phone: "0803 123".into(),
            ..aisha()
        };
        let errors = validate(&only_phone, Some(&zaria())).unwrap_err();
        assert_eq!(first_invalid(&errors), Some(Field::Phone));
        assert!(
            message_for(&errors, Field::Phone, &ENGLISH)
                .unwrap()
                .contains("11-digit")
        );
        assert_eq!(message_for(&errors, Field::Name, &ENGLISH), None);
        let long = check_notes(&"n".repeat(MAX_NOTES_LEN + 1)).unwrap_err();
        assert_eq!(
            long.message(&ENGLISH),
            format!("Notes can be at most {MAX_NOTES_LEN} characters.")
        );
    }

    #[test]
    fn each_phone_refusal_has_its_own_text() {
        for (raw, text) in [
            ("0803abc4567", Later::phone_characters),
            ("0803123456", Later::phone_length),
            ("080312345678", Later::phone_length),
            ("01234567890", Later::phone_not_nigerian),
            ("080+31234567", Later::phone_characters),
        ] {
            assert_eq!(check_phone(raw).unwrap_err().text, text, "{raw}");
        }
    }

    #[test]
    fn name_and_address_limits() {
        assert!(check_name(&"a".repeat(MAX_NAME_LEN)).is_ok());
        assert!(check_name(&"a".repeat(MAX_NAME_LEN + 1)).is_err());
        assert!(check_address(&"a".repeat(MAX_ADDRESS_LEN + 1)).is_err());
        assert_eq!(check_email("  ").unwrap(), None);
        assert!(check_email("a@b").is_err());
    }

    #[test]
    fn phone_hint_follows_the_longest_prefix() {
        assert_eq!(network_hint("0803"), Some("MTN"));
        assert_eq!(network_hint("+234 805 111"), Some("Glo"));
        assert_eq!(network_hint("234-0802"), Some("Airtel"));
        assert_eq!(network_hint("809 123"), Some("9mobile"));
        assert_eq!(network_hint("07025 000000"), Some("MTN"));
        assert_eq!(network_hint("0702"), None);
        assert_eq!(network_hint("08"), None);
        assert_eq!(network_hint("0804"), None);
        assert_eq!(network_hint(""), None);
    }

    #[test]
    fn every_field_has_a_step_and_ids() {
        assert_eq!(Field::Location.step(), Step::Address);
        assert_eq!(Field::Tier.step(), Step::Delivery);
        assert_eq!(Field::Phone.error_id(), "co-phone-error");
        assert!(zaria().is_well_formed());
        assert_eq!(zaria().label(), "Zaria — Kaduna");
        let bad = ChosenLocation {
            state_code: "kd<".into(),
            ..zaria()
        };
        assert!(!bad.is_well_formed());
    }
}
