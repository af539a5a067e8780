//! Words and class-name fragments the DOM layer looks for, in the languages
//! shops use. All lowercase. Each list is compiled once into one regex.

use std::sync::LazyLock;

use regex::Regex;

/// One regex matching any of `words`; with `token`, only between
/// non-letters (so `old` matches `price-old` but not `bold`).
fn words_re(words: &[&str], token: bool) -> Regex {
    let alts = words
        .iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|");
    let pat = if token {
        format!("(?:^|[^a-z])(?:{alts})(?:[^a-z]|$)")
    } else {
        format!("(?:{alts})")
    };
    Regex::new(&pat).expect("word lists compile")
}

pub(super) static HIDDEN_RE: LazyLock<Regex> = LazyLock::new(|| {
    words_re(
        &[
            "hidden",
            "d-none",
            "is-hidden",
            "hide",
            "visually-hidden",
            "sr-only",
        ],
        true,
    )
});
pub(super) static RELATED_RE: LazyLock<Regex> = LazyLock::new(|| words_re(RELATED_CLASSES, false));
pub(super) static STRIKE_RE: LazyLock<Regex> = LazyLock::new(|| words_re(STRIKE_CLASSES, true));
pub(super) static LIST_RE: LazyLock<Regex> = LazyLock::new(|| words_re(LIST_CLASSES, true));
pub(super) static SALE_RE: LazyLock<Regex> = LazyLock::new(|| words_re(SALE_CLASSES, false));
pub(super) static UNIT_CLASS_RE: LazyLock<Regex> = LazyLock::new(|| words_re(UNIT_CLASSES, true));
pub(super) static UNIT_TEXT_RE: LazyLock<Regex> = LazyLock::new(|| words_re(UNIT_MARKERS, false));
pub(super) static SKIP_RE: LazyLock<Regex> = LazyLock::new(|| words_re(SKIP_WORDS, false));
pub(super) static BUY_CLASS_RE: LazyLock<Regex> = LazyLock::new(|| words_re(BUY_CLASSES, false));
pub(super) static BUY_TEXT_RE: LazyLock<Regex> = LazyLock::new(|| words_re(BUY_WORDS, false));
pub(super) static OOS_RE: LazyLock<Regex> = LazyLock::new(|| words_re(OUT_OF_STOCK, false));
pub(super) static IN_STOCK_RE: LazyLock<Regex> = LazyLock::new(|| words_re(IN_STOCK, false));
pub(super) static PRICE_CLASS_RE: LazyLock<Regex> = LazyLock::new(|| {
    words_re(
        &[
            "price", "preis", "prix", "precio", "prezzo", "цена", "cost", "amount", "cena",
        ],
        false,
    )
});
pub(super) static BRAND_CLASS_RE: LazyLock<Regex> =
    LazyLock::new(|| words_re(&["brand", "manufacturer", "marke", "marque", "marca"], true));

/// Containers whose prices and names belong to other products.
#[rustfmt::skip]
pub(super) const RELATED_CLASSES: &[&str] = &[
    "related", "recommend", "similar", "carousel", "upsell", "up-sell", "crosssell", "cross-sell", "also-bought",
    "also-viewed", "recently", "sponsored", "minicart", "mini-cart", "cookie", "megamenu", "breadcrumb",
];

/// Class fragments of a struck-through price.
#[rustfmt::skip]
pub(super) const STRIKE_CLASSES: &[&str] = &[
    "strike", "strikethrough", "strike-through", "line-through", "linethrough", "crossed", "tachado", "barre",
    "pricestrike", "price-strike", "strikeprice", "strike-price",
];

/// Class fragments of a former or list price.
#[rustfmt::skip]
pub(super) const LIST_CLASSES: &[&str] = &[
    "old", "was", "regular", "list", "before", "compare", "original", "rrp", "uvp", "msrp", "previous", "retail",
    "instead", "statt", "ancien", "antes", "oldprice", "old-price", "price-old", "was-price", "wasprice",
    "listprice", "list-price", "regularprice", "regular-price", "compare-at", "compareat", "pricebefore",
    "price-before", "originalprice", "original-price",
];

/// Labels before a former or list price.
#[rustfmt::skip]
pub(super) const LIST_LABELS: &[&str] = &[
    "rrp", "uvp", "was", "was:", "statt", "list price", "regular price", "reg.", "msrp", "prix conseillé",
    "prix de référence", "ancien prix", "precio anterior", "antes", "prezzo consigliato", "prezzo di listino",
    "старая цена", "zamiast", "doporučená cena", "pôvodná cena", "typical price", "original price",
];

/// Class fragments of the price to pay (matched anywhere in a class).
#[rustfmt::skip]
pub(super) const SALE_CLASSES: &[&str] = &[
    "sale", "special", "current", "final", "offer", "actual", "promo", "reduced", "deal", "ourprice", "our-price",
    "buyingprice", "buying-price", "selling", "price-now", "pricenow", "nowprice", "product-price", "productprice",
    "pdp", "price-value", "pricevalue", "main-price", "price-main",
];

/// Class fragments of per-unit and instalment prices.
#[rustfmt::skip]
pub(super) const UNIT_CLASSES: &[&str] = &[
    "unit", "per", "base-price", "baseprice", "grundpreis", "price-per", "unitprice", "unit-price", "installment",
    "instalment", "monthly", "finance", "financing", "klarna", "shipping", "delivery",
];

/// Text that marks a per-unit, instalment or shipping price.
#[rustfmt::skip]
pub(super) const UNIT_MARKERS: &[&str] = &[
    "/kg", "/ kg", "per kg", "/100", "/ 100", "/l", "/ l", "/m", "/ m", "/st", "/ st", "/pc", "/unit", "/ unit",
    "per unit", "pro kg", "pro l", "pro stück", "je kg", "/mo", "/ mo", "per month", "a month", "monthly", "/mes",
    "/mois", "/monat", "x de", "cuotas", "mensual", "€/", "$/", "£/", "/ ea", "/ea", "per 100", "за кг", "за 1",
    "/шт", "/ шт",
];

/// Text near a number that is not the product's price.
#[rustfmt::skip]
pub(super) const SKIP_WORDS: &[&str] = &[
    "shipping", "delivery", "versand", "livraison", "envío", "envio", "spedizione", "доставка", "free over",
    "orders over", "save ", "you save", "sparen", "économisez", "ahorra", "risparmi", " off", "cashback",
    "gift card", "reward", "points", "bonus", "coupon", "up to",
];

/// Buy-button class fragments.
#[rustfmt::skip]
pub(super) const BUY_CLASSES: &[&str] = &[
    "add-to-cart", "addtocart", "add_to_cart", "add-to-basket", "addtobasket", "add_to_basket", "add-to-bag",
    "addtobag", "buy-now", "buynow", "buy_now", "buybox", "buy-box", "warenkorb", "panier", "cart-button",
    "btn-cart", "btn-buy", "purchase",
];

/// Buy-button wording.
#[rustfmt::skip]
pub(super) const BUY_WORDS: &[&str] = &[
    "add to cart", "add to basket", "add to bag", "add to trolley", "buy now", "buy it now", "in den warenkorb",
    "in den einkaufswagen", "jetzt kaufen", "ajouter au panier", "acheter", "añadir al carrito", "agregar al carro",
    "agregar al carrito", "añadir a la cesta", "comprar", "aggiungi al carrello", "acquista", "в корзину", "купить",
    "dodaj do koszyka", "in winkelwagen", "toevoegen aan winkelwagen", "lägg i varukorg", "læg i kurv",
    "legg i handlekurv", "do košíka", "do košarice", "v košarico", "adaugă în coș", "adauga in cos", "sepete ekle",
    "إضافة إلى", "أضف إلى", "カートに入れる", "加入购物车", "장바구니", "place bid", "make offer", "contact seller",
];

/// Out-of-stock wording.
#[rustfmt::skip]
pub(super) const OUT_OF_STOCK: &[&str] = &[
    "out of stock", "not in stock", "sold out", "currently unavailable", "no longer available",
    "temporarily unavailable", "this item is unavailable", "ausverkauft", "nicht verfügbar", "nicht lieferbar",
    "nicht auf lager", "derzeit nicht verfügbar", "épuisé", "rupture de stock", "indisponible", "agotado",
    "sin stock", "no disponible", "esaurito", "non disponibile", "нет в наличии", "распродано", "товар закончился",
    "niet op voorraad", "uitverkocht", "brak w magazynie", "wyprzedane", "esgotado", "indisponível", "slutsåld",
    "udsolgt", "utsolgt", "vyprodáno", "vypredané", "razprodano", "stokta yok", "tükendi", "نفدت الكمية",
    "غير متوفر", "在庫切れ", "缺货", "품절",
];

/// In-stock wording (a text must start with it).
#[rustfmt::skip]
pub(super) const IN_STOCK: &[&str] = &[
    "in stock", "available now", "auf lager", "sofort lieferbar", "lieferbar", "en stock", "disponible",
    "en existencia", "disponibile", "in magazzino", "в наличии", "есть в наличии", "op voorraad", "na stanie",
    "em stock", "em estoque", "i lager", "på lager", "skladem", "na sklade", "na zalogi", "stokta", "متوفر", "在庫あり",
    "有货",
];

/// Row labels of the shop's own article number.
#[rustfmt::skip]
pub(super) const SKU_LABELS: &[&str] = &[
    "sku", "sku#", "item #", "item#", "item no", "item no.", "item number", "item code", "article number",
    "article no", "article no.", "art. no.", "art.-nr.", "art.nr.", "art-nr", "artikelnummer", "artikel-nr.",
    "artikelnr.", "artikel-nr", "bestellnummer", "best.-nr.", "product code", "product id", "product number",
    "product no", "product no.", "asin", "référence", "réf.", "ref.", "réf", "ref", "reference", "code produit",
    "code article", "referencia", "código", "código de producto", "ref. del producto", "codice", "codice articolo",
    "codice prodotto", "cod. articolo", "артикул", "код товара", "код", "numer katalogowy", "kod produktu",
    "katalogové číslo", "kód produktu", "šifra", "šifra izdelka", "cod produs", "ürün kodu", "商品番号", "رقم المنتج",
    "ebay item number", "item id", "numero oggetto", "numéro de l'objet", "número de artículo", "numer przedmiotu",
    "id produto", "id do produto", "código do produto", "referência", "cod produs", "cod", "post id", "ad id",
    "listing id", "anzeige", "anzeigennummer", "anzeigen-nr.", "ad number", "número de anuncio", "номер объявления",
    "id oglasa", "product code", "prd code", "style", "style #",
];

/// Row labels of the brand.
#[rustfmt::skip]
pub(super) const BRAND_LABELS: &[&str] = &[
    "brand", "brand name", "manufacturer", "marke", "hersteller", "marque", "fabricant", "marca", "fabricante",
    "produttore", "бренд", "производитель", "торговая марка", "merk", "fabrikant", "marka", "producent", "značka",
    "výrobce", "výrobca", "znamka", "proizvajalec", "producător", "varumärke", "mærke", "merke", "ブランド", "品牌",
    "العلامة التجارية", "الماركة", "make", "make / manufacturer", "brand / manufacturer",
];

/// Row labels of a GTIN.
#[rustfmt::skip]
pub(super) const GTIN_LABELS: &[&str] = &[
    "ean", "ean-13", "ean13", "ean code", "ean-code", "gtin", "gtin-13", "upc", "upc-a", "isbn", "isbn-13",
    "barcode", "bar code", "штрихкод", "штрих-код", "code ean", "código ean", "codice ean", "ean/upc",
];

/// Row labels of the manufacturer's part number.
#[rustfmt::skip]
pub(super) const MPN_LABELS: &[&str] = &[
    "mpn", "model", "model number", "model no", "model no.", "item model number", "part number",
    "manufacturer part number", "mfr part number", "modellnummer", "herstellernummer", "herstellerartikelnummer",
    "référence fabricant", "modèle", "modelo", "número de modelo", "modello", "codice produttore", "модель",
    "model name",
];

/// Buy-button data attributes that carry the product's id.
#[rustfmt::skip]
pub(super) const SKU_DATA_ATTRS: &[&str] = &[
    "data-sku", "data-product-sku", "data-asin", "data-product-id", "data-productid", "data-item-id",
    "data-article-number",
];

/// Hidden add-to-cart inputs that carry the product's id.
#[rustfmt::skip]
pub(super) const SKU_INPUT_NAMES: &[&str] = &[
    "sku", "product_sku", "asin", "product_id", "productid", "id_product", "item_id", "itemid", "products_id",
    "product", "article", "articleid", "variant_id",
];
