namespace MLNet.Distillation.Tests.Support;

/// <summary>Short product reviews written for the text-teacher tests: clearly positive or negative, with a 1–5 star rating.</summary>
internal static class Reviews
{
    /// <summary>(text, positive, stars).</summary>
    public static readonly (string Text, bool Positive, float Stars)[] Labelled =
    [
        ("Absolutely love this kettle, it boils fast and looks great.", true, 5),
        ("Best purchase I have made all year, highly recommended.", true, 5),
        ("The headphones sound wonderful and the battery lasts for days.", true, 5),
        ("Fantastic quality, arrived early and works perfectly.", true, 5),
        ("My kids adore this game, we play it every evening.", true, 5),
        ("Excellent value for money, I would buy it again.", true, 4),
        ("Very comfortable shoes, I walked all day without any pain.", true, 5),
        ("The blender is powerful and easy to clean. Great product.", true, 4),
        ("Lovely soft blanket, warm and beautifully made.", true, 5),
        ("Works exactly as described and the setup took two minutes.", true, 4),
        ("Superb camera, the photos are sharp and the colours are vivid.", true, 5),
        ("A delightful book, I could not put it down.", true, 5),
        ("Great customer service, they replaced the part the next day.", true, 4),
        ("The vacuum is quiet and picks up everything. Very happy.", true, 4),
        ("Brilliant little speaker with surprisingly deep bass.", true, 4),
        ("This coffee tastes amazing, rich and smooth.", true, 5),
        ("Sturdy, well designed and a pleasure to use.", true, 4),
        ("I am thrilled with this jacket, it fits perfectly.", true, 5),
        ("Pleasant surprise, better than the expensive brands.", true, 4),
        ("Reliable and fast charger, does the job well.", true, 4),
        ("Terrible kettle, it started leaking after a week.", false, 1),
        ("Worst purchase ever, a complete waste of money.", false, 1),
        ("The headphones broke on the first day and sound awful.", false, 1),
        ("Poor quality, arrived damaged and does not work.", false, 1),
        ("My kids hated this game, it is boring and confusing.", false, 2),
        ("Overpriced junk, I want a refund.", false, 1),
        ("Very uncomfortable shoes, my feet hurt after an hour.", false, 2),
        ("The blender is weak and impossible to clean. Avoid it.", false, 1),
        ("Scratchy cheap blanket that fell apart in the wash.", false, 2),
        ("Nothing works as described and the setup was a nightmare.", false, 1),
        ("Awful camera, every photo is blurry and dark.", false, 1),
        ("A dull book, I gave up after twenty pages.", false, 2),
        ("Horrible customer service, nobody ever answered my emails.", false, 1),
        ("The vacuum is loud and leaves dirt everywhere. Very disappointed.", false, 2),
        ("Tinny speaker with no bass at all, really disappointing.", false, 2),
        ("This coffee tastes burnt and bitter.", false, 2),
        ("Flimsy, badly designed and frustrating to use.", false, 1),
        ("I regret buying this jacket, the zip broke immediately.", false, 1),
        ("Unpleasant smell and cheap plastic, very poor.", false, 2),
        ("Useless charger, it stopped working after two days.", false, 1),
    ];

    /// <summary>Sentences on three topics, for a multiclass head: (text, topic).</summary>
    public static readonly (string Text, string Topic)[] Topics =
    [
        ("The pasta was cooked perfectly with a rich tomato sauce.", "food"),
        ("We ordered pizza with mushrooms and extra cheese.", "food"),
        ("This soup needs more salt and some fresh herbs.", "food"),
        ("The chocolate cake was moist and very sweet.", "food"),
        ("Fresh bread from the bakery smells wonderful.", "food"),
        ("Grilled salmon with lemon is my favourite dinner.", "food"),
        ("Heavy rain and strong winds are expected tomorrow.", "weather"),
        ("It was sunny and warm all weekend.", "weather"),
        ("Snow covered the roads and the temperature dropped below zero.", "weather"),
        ("A thunderstorm rolled in late in the afternoon.", "weather"),
        ("The forecast says fog in the morning, clearing by noon.", "weather"),
        ("Humid air and clouds made the day feel heavy.", "weather"),
        ("The striker scored twice in the second half.", "sport"),
        ("Our team won the basketball championship last night.", "sport"),
        ("She finished the marathon in under three hours.", "sport"),
        ("The tennis match went to a fifth set.", "sport"),
        ("The goalkeeper saved a penalty in the final minute.", "sport"),
        ("He trains at the swimming pool every morning.", "sport"),
    ];
}
