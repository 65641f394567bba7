namespace Emulator.Formats;

/// <summary>Non-generic view of a number type's exact value (lets generic conversions recognise any number type).</summary>
internal interface IExactValue
{
    /// <summary>The exact value as a double.</summary>
    double ToDouble();
}
